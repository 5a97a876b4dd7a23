/**
 * 价格、用词与隐私同意 ([8/12]): the doctor page's prices and ratings, the signed-record badge, message dates,
 * 本人 in 就诊人管理, and the sign-up consent with the texts it links to (SEC-1). The texts' version is
 * CONSENT_VERSION in src/shared/consent.ts: change a text here, raise the version there.
 */
export const wordingZh = {
  doctor: {
    prices: '价格',
    registrationFee: '挂号费',
    registrationFeeRange: '{{min}} – {{max}}',
    noSessionFee: '暂无排班',
    textVisit: '图文问诊',
    videoVisit: '视频问诊',
    perVisit: '{{price}}/次',
    rating: '评分',
    ratingValue: '{{stars}} 分',
    ratingCount: '{{count}} 条评价',
    noRating: '暂无评价',
    completed: '完成问诊',
    completedCount: '{{count}} 次',
    book: '预约挂号',
    startText: '图文问诊 {{price}}',
    startVideo: '视频问诊 {{price}}',
  },
  messages: {
    today: '今天 {{time}}',
    yesterday: '昨天 {{time}}',
  },
  signature: {
    badge: '已签名 · 可验证',
    badgeHint: '查看签名详情',
    title: '电子签名详情',
    intro:
      '本病历由医生使用 SM2 数字证书电子签名。签名后病历内容的任何改动都会使摘要对不上，可据此验证病历未被篡改。',
    signer: '签名医生',
    time: '签名时间',
    certificate: '证书序列号',
    hash: '病历摘要（SM3）',
    close: '关闭',
  },
  dependents: {
    self: '本人',
    selfUnverified: '未实名',
    goVerify: '去认证',
  },
  consent: {
    title: '用户协议与隐私政策',
    intro: '欢迎使用云医。为了创建账号并为您提供问诊、挂号等服务，请阅读并同意以下内容：',
    updatedTitle: '用户协议与隐私政策已更新',
    updatedIntro:
      '我们更新了《用户协议》和《隐私政策》（版本 {{version}}）。请阅读并同意后继续使用；不同意将退出登录。',
    agreeTerms: '我已阅读并同意',
    and: '和',
    termsLink: '《用户协议》',
    privacyLink: '《隐私政策》',
    agreeSensitive:
      '我单独同意云医处理我的健康信息（病史、诊断、处方、病历等敏感个人信息），仅用于为我提供诊疗服务。',
    version: '文本版本 {{version}}',
    agree: '同意并继续',
    decline: '不同意',
    mustTick: '请勾选同意用户协议、隐私政策和敏感个人信息处理',
    declined: '未同意，已退出登录',
  },
  legal: {
    back: '返回',
    version: '版本 {{version}} · 生效日期 {{version}}',
    terms: {
      title: '用户协议',
      sections: [
        {
          heading: '一、服务内容',
          body: '云医是连接患者与医疗机构的互联网医院平台，提供预约挂号、在线复诊、处方流转、电子病历查询等服务。诊疗服务由具备资质的医疗机构及其医师提供；平台不替代线下急诊。病情紧急时请立即拨打 120 或前往急诊。',
        },
        {
          heading: '二、账号',
          body: '您以手机号注册账号。在线问诊、挂号须完成实名认证，并以本人或您依法代理的家人的真实身份进行，不得冒用他人身份。请妥善保管验证码和密码。',
        },
        {
          heading: '三、费用',
          body: '挂号费、问诊费在下单前展示，以页面显示金额为准。按规则取消或医生未接诊时，费用原路退回。',
        },
        {
          heading: '四、您的义务',
          body: '请如实描述病情、提供真实资料；不得利用平台从事违法活动或干扰医生正常诊疗。',
        },
        {
          heading: '五、协议变更',
          body: '协议内容变更时，我们会在您下次使用时提示并请您重新同意；不同意的，您可以停止使用并申请注销账号。',
        },
      ],
    },
    privacy: {
      title: '隐私政策',
      sections: [
        {
          heading: '一、我们收集的信息',
          body: '手机号（注册和登录）；实名认证时的姓名和身份证号；您在问诊、挂号中提供的病情描述、图片，以及医生记录的诊断、处方和病历。',
        },
        {
          heading: '二、敏感个人信息',
          body: '健康信息、身份证号以及不满十四周岁未成年人的信息属于敏感个人信息。我们仅在为您提供诊疗服务所必需的范围内处理，并事先取得您的单独同意（个人信息保护法第二十八、二十九条）。不满十四周岁的未成年人的信息由其监护人同意并代为管理。',
        },
        {
          heading: '三、谁能看到',
          body: '为您诊疗的医生、药师及其所在医疗机构；按规定进行监管的卫生健康和医保部门。我们不会出售您的个人信息，也不会用于广告。每一次查看和修改都有记录可查。',
        },
        {
          heading: '四、保存与安全',
          body: '手机号、身份证号加密存储，页面上只显示部分号码。病历按医疗机构病历管理规定的期限保存。',
        },
        {
          heading: '五、您的权利',
          body: '您可以查阅、复制、更正您的个人信息，撤回同意或注销账号（撤回同意不影响撤回前的处理，但需要这些信息的服务将无法继续）。联系方式：在“我的”页面联系客服。',
        },
      ],
    },
  },
};
