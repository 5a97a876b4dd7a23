/** 语音消息 strings, zh-CN: recording and playing voice notes in the visit chat (patient H5 and clinic console). */
export const voiceZh = {
  record: '语音',
  recordHint: '录一段语音',
  starting: '正在打开麦克风…',
  recording: '正在录音',
  limit: '最长 {{max}}',
  send: '发送',
  cancel: '取消',
  sending: '正在发送语音…',
  play: '播放语音，时长 {{duration}}',
  pause: '暂停播放，时长 {{duration}}',
  loadFailed: '语音加载失败',
  uploadFailed: '语音发送失败',
  dismiss: '知道了',
  errors: {
    MIC_DENIED:
      '无法使用麦克风：您拒绝了麦克风权限。请在浏览器或手机设置中允许本网站使用麦克风后再试。仍可发送文字和图片。',
    MIC_UNAVAILABLE: '无法使用麦克风：没有找到麦克风，或麦克风正被其他应用占用。仍可发送文字和图片。',
    NOT_SUPPORTED: '当前浏览器不支持录音，请升级或更换浏览器。仍可发送文字和图片。',
    TOO_SHORT: '说话时间太短，请录音 1 秒以上',
  },
};
