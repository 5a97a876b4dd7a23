import type { namesZh } from './names.zh-CN.js';

export const namesEn: typeof namesZh = {
  title: {
    resident: 'Resident physician',
    attending: 'Attending physician',
    associateChief: 'Associate chief physician',
    chief: 'Chief physician',
    tcmResident: 'Resident TCM physician',
    tcmAttending: 'Attending TCM physician',
    tcmAssociateChief: 'Associate chief TCM physician',
    tcmChief: 'Chief TCM physician',
    nurse: 'Nurse',
    seniorNurse: 'Senior nurse',
    nurseInCharge: 'Nurse-in-charge',
    associateChiefNurse: 'Associate chief nurse',
    chiefNurse: 'Chief nurse',
    assistantPharmacist: 'Assistant pharmacist',
    pharmacist: 'Pharmacist',
    pharmacistInCharge: 'Pharmacist-in-charge',
    associateChiefPharmacist: 'Associate chief pharmacist',
    chiefPharmacist: 'Chief pharmacist',
    licensedPharmacist: 'Licensed pharmacist',
    tcmPharmacistInCharge: 'TCM pharmacist-in-charge',
  },
};
