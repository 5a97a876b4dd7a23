import { defineErrors } from '../../../platform/errors.js';

/** Imaging's refusals ([11/12], REMOTE-5): DICOM uploads and the DICOMweb store. */
export const imagingErrors = defineErrors('remote.imaging', {
  dicomInvalid: {
    status: 422,
    code: 'DICOM_INVALID',
    title: '不是可接收的 DICOM 影像',
    en: 'Not an acceptable DICOM image',
    detail: '文件不是完整的 DICOM 第 10 部分文件、没有像素数据，或传输语法不受支持。',
    action:
      '请从设备或 PACS 重新导出完整的 DICOM 文件（未压缩或 JPEG 2000）；心电图请用心电上传，整批文件均未保存。',
  },
  studyMismatch: {
    status: 409,
    code: 'IMAGING_STUDY_MISMATCH',
    title: '影像不属于该申请的检查',
    en: 'Images belong to another study',
    detail: '一份申请只对应一次检查；这些文件属于另一次检查，或该检查已挂在其他申请下。',
    action: '核对检查号后为另一次检查单独提交申请。',
  },
  instanceConflict: {
    status: 409,
    code: 'DICOM_INSTANCE_CONFLICT',
    title: '影像实例编号冲突',
    en: 'DICOM instance UID conflict',
    detail: '同一 SOP 实例 UID 或序列 UID 已存在于另一检查或序列中。',
    action: '请检查设备生成的 UID，或联系信息科。',
  },
  studyNotFound: {
    status: 404,
    code: 'IMAGING_STUDY_NOT_FOUND',
    title: '影像不存在',
    en: 'Imaging study not found',
    detail: '没有这个 UID 的检查、序列或实例，或您无权查看。',
    action: '核对 UID，或确认您是申请机构或诊断中心的医护人员。',
  },
  frameNotFound: {
    status: 404,
    code: 'DICOM_FRAME_NOT_FOUND',
    title: '帧号不存在',
    en: 'Frame not found',
    detail: '请求的帧号超出该实例的帧数（从 1 开始）。',
    action: '按实例的帧数（NumberOfFrames）请求。',
  },
  badWindow: {
    status: 400,
    code: 'DICOM_BAD_WINDOW',
    title: '窗宽窗位参数无效',
    en: 'Invalid window parameter',
    detail: 'window 参数应为 “窗位,窗宽,函数”，窗宽大于 0，函数为 linear。',
    action: '例如 window=40,400,linear。',
  },
  badMultipart: {
    status: 400,
    code: 'DICOMWEB_BAD_MULTIPART',
    title: 'multipart/related 请求体无效',
    en: 'Invalid multipart/related body',
    detail: '请求须为 multipart/related; type="application/dicom"，并带有 boundary 参数。',
    action: '按 DICOMweb STOW-RS（PS3.18）组织请求体。',
  },
});
