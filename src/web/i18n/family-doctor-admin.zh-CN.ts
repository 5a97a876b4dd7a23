/** Family-doctor strings, zh-CN ([12/12]). */
export const fdAdminZh = {
  title: '家庭医生',
};
