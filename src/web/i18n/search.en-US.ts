import type { searchZh } from './search.zh-CN.js';

export const searchEn: typeof searchZh = {
  box: {
    placeholder: 'Hospital, department, doctor, condition',
    label: 'Search hospitals, departments, doctors or conditions',
    hint: 'A doctor’s name, pinyin initials (e.g. cjg) or a condition (e.g. 高血压)',
  },
  results: {
    title: 'Search',
    institutions: 'Hospitals',
    departments: 'Departments',
    doctors: 'Doctors',
    conditions: 'Conditions and symptoms',
    empty: 'No hospital, department, doctor or condition matches “{{q}}”',
    emptyHint: 'Try other words, or describe how you feel and let smart triage suggest a department.',
    triage: 'Smart triage',
    conditionDepartments: 'Departments to book',
    conditionDoctors: 'Doctors who treat it',
    disease: 'Disease',
    symptom: 'Symptom',
    tooLong: 'At most 30 characters',
  },
  department: {
    doctors: '{{count}} doctors',
    today: '{{count}} seeing patients today',
    noneToday: 'No clinic today',
  },
  byDate: {
    byDoctor: 'By doctor',
    byDate: 'By date',
    viewLabel: 'Book by',
    noDoctor: 'No doctor sees patients that day; choose another date',
    available: '{{count}} left',
    full: 'Full',
    soon: 'Not yet released',
    stopped: 'Cancelled',
    past: 'Over',
  },
};
