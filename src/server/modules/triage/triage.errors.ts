import { defineErrors } from '../../platform/errors.js';

/** Smart triage's refusals ([8/12]). A patient the caller may not act for is NOT_YOUR_PATIENT (ID-6). */
export const triageErrors = defineErrors('triage', {
  textEmpty: {
    status: 422,
    code: 'TRIAGE_TEXT_EMPTY',
    title: '请描述您的症状',
    en: 'Please describe your symptoms',
    detail: '主诉为空：请用一两句话描述哪里不舒服、持续多久。',
    action: '输入症状后再试，例如“咳嗽三天，有黄痰”。',
  },
  textTooLong: {
    status: 422,
    code: 'TRIAGE_TEXT_TOO_LONG',
    title: '症状描述过长',
    en: 'The description is too long',
    detail: '主诉最多 500 字。',
    action: '只写最主要的不适和持续时间。',
  },
});
