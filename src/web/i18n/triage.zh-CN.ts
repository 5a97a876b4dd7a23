/** 智能导诊 strings on the patient H5, zh-CN. */
export const triageZh = {
  title: '智能导诊',
  intro: '用一两句话描述哪里不舒服、持续多久，我们为您推荐就诊科室。',
  patient: '为谁描述',
  label: '症状描述',
  placeholder: '例如：咳嗽三天，有黄痰，不发烧',
  count: '{{n}}/500',
  voice: '语音输入',
  listening: '正在听…',
  voiceFailed: '没有听清，请再说一次或直接输入',
  submit: '开始导诊',
  emergencyTitle: '请立即拨打 120 或前往急诊',
  call120: '拨打 120',
  call12356: '拨打心理援助热线 12356',
  suggested: '推荐科室',
  tapToBook: '点击查看医生',
  notInRegion: '本区暂无该科室',
  disclaimer:
    '智能导诊只根据您的描述推荐科室，不是诊断，也不能代替医生；症状加重或出现新的不适，请及时就医。',
  privacy: '您的描述只用于本次推荐，不会保存。',
  score: '匹配度 {{pct}}%',
};
