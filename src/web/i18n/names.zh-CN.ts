/**
 * [8/12] Professional titles (职称) as the directory stores them, by a stable code; names.ts shows the
 * en-US word for a stored zh-CN title. A title not listed here is shown as stored.
 */
export const namesZh = {
  title: {
    resident: '住院医师',
    attending: '主治医师',
    associateChief: '副主任医师',
    chief: '主任医师',
    tcmResident: '住院中医师',
    tcmAttending: '主治中医师',
    tcmAssociateChief: '副主任中医师',
    tcmChief: '主任中医师',
    nurse: '护士',
    seniorNurse: '护师',
    nurseInCharge: '主管护师',
    associateChiefNurse: '副主任护师',
    chiefNurse: '主任护师',
    assistantPharmacist: '药士',
    pharmacist: '药师',
    pharmacistInCharge: '主管药师',
    associateChiefPharmacist: '副主任药师',
    chiefPharmacist: '主任药师',
    licensedPharmacist: '执业药师',
    tcmPharmacistInCharge: '主管中药师',
  },
};
