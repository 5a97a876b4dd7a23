import { defineErrors } from '../../../platform/errors.js';

/**
 * The ECG part of remote diagnosis ([11/12], REMOTE-5): uploads the parser refuses and reads of a recording
 * that is not there. Each refusal of a file names the file and what is wrong with it, in zh-CN.
 */
export const ecgErrors = defineErrors('remote.ecg', {
  fileInvalid: {
    status: 422,
    code: 'ECG_FILE_INVALID',
    title: '心电图文件无法读取',
    en: 'ECG file unreadable',
    detail: '上传的文件不是可读取的 WFDB 记录（.hea + .dat，格式 16 或 212）或 DICOM 心电波形。',
    action: '请从心电图机重新导出原始文件后再上传；文件未被保存，申请状态未改变。',
  },
  filesMissing: {
    status: 422,
    code: 'ECG_FILES_MISSING',
    title: '心电图文件不全',
    en: 'ECG files missing',
    detail:
      '请同时上传 WFDB 头文件（.hea）和它列出的全部信号文件（.dat 等），或上传一个 DICOM 心电波形文件。',
    action: '按提示补齐文件后一起上传。',
  },
  recordNotFound: {
    status: 404,
    code: 'ECG_RECORD_NOT_FOUND',
    title: '心电图记录不存在',
    en: 'ECG recording not found',
    detail: '没有这个编号的心电图记录，或您无权查看。',
    action: '刷新申请后重试。',
  },
  rangeInvalid: {
    status: 422,
    code: 'ECG_RANGE_INVALID',
    title: '心电图时间范围有误',
    en: 'ECG time range invalid',
    detail: '结束时间须晚于起始时间，起始时间须在记录时长以内，一次最多读取 60 秒。',
    action: '缩小时间范围后重试。',
  },
});
