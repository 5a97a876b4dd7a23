/** 搜索与找医生 ([8/12]): the search box, its results page, bookable departments and 按日期挂号. */
export const searchZh = {
  box: {
    placeholder: '搜医院、科室、医生、疾病',
    label: '搜索医院、科室、医生或疾病症状',
    hint: '可输入医生姓名、拼音首字母（如 cjg）或疾病症状（如 高血压）',
  },
  results: {
    title: '搜索',
    institutions: '医院',
    departments: '科室',
    doctors: '医生',
    conditions: '疾病与症状',
    empty: '没有找到与“{{q}}”相关的医院、科室、医生或疾病',
    emptyHint: '换个说法试试，或者描述一下哪里不舒服，让智能导诊帮您推荐科室。',
    triage: '智能导诊',
    conditionDepartments: '可挂以下科室',
    conditionDoctors: '擅长的医生',
    disease: '疾病',
    symptom: '症状',
    tooLong: '请输入 30 个字以内',
  },
  department: {
    doctors: '{{count}} 位医生',
    today: '今日出诊 {{count}} 位',
    noneToday: '今日无出诊',
  },
  byDate: {
    byDoctor: '按医生挂号',
    byDate: '按日期挂号',
    viewLabel: '挂号方式',
    noDoctor: '这一天没有医生出诊，请选择其他日期',
    available: '有号 {{count}}',
    full: '约满',
    soon: '待放号',
    stopped: '停诊',
    past: '已结束',
  },
};
