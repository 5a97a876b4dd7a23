/** Family-doctor strings, zh-CN ([12/12]). */
export const fdResidentZh = {
  title: '家庭医生',
};
