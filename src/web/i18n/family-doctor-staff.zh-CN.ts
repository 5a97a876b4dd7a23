/** Family-doctor strings, zh-CN ([12/12]). */
export const fdStaffZh = {
  title: '家庭医生',
};
