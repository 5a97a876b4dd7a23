import { defineErrors } from '../errors.js';

/**
 * DJ-21: refusals of an uploaded file by its scan. Both are 4xx: the file is refused and kept nowhere, and
 * the uploader may try again (a clean file once the scanner is back); a 5xx would mean a defect here.
 */
export const uploadErrors = defineErrors('uploads', {
  infected: {
    status: 422,
    code: 'UPLOAD_INFECTED',
    title: '文件未通过病毒扫描',
    en: 'The file failed the virus scan',
    detail: '防病毒扫描在文件中发现了恶意代码，文件已被拒收且未保存。',
    action: '请勿上传该文件；用杀毒软件检查您的设备后，重新拍摄或选择其他文件。',
  },
  scanUnavailable: {
    status: 422,
    code: 'UPLOAD_SCAN_UNAVAILABLE',
    title: '暂时无法完成文件安全扫描',
    en: 'The file could not be scanned now',
    detail: '防病毒扫描服务暂时没有应答，未经扫描的文件不予保存。',
    action: '请稍后重新上传；多次失败请联系平台管理员。',
  },
});
