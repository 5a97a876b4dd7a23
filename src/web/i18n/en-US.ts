import { accountSecurityEn } from './account-security.en-US.js';
import { administrationEn } from './administration.en-US.js';
import { bookingEn } from './booking.en-US.js';
import { dicomViewerEn } from './dicom-viewer.en-US.js';
import { ecgViewerEn } from './ecg-viewer.en-US.js';
import { fdAdminEn } from './family-doctor-admin.en-US.js';
import { fdResidentEn } from './family-doctor-resident.en-US.js';
import { fdStaffEn } from './family-doctor-staff.en-US.js';
import { healthCardEn } from './health-card.en-US.js';
import { homeEn } from './home.en-US.js';
import { insurancePatientEn } from './insurance-patient.en-US.js';
import { insuranceStaffEn } from './insurance-staff.en-US.js';
import { namesEn } from './names.en-US.js';
import { ordersEn } from './orders.en-US.js';
import { prescriptionsPatientEn } from './prescriptions-patient.en-US.js';
import { prescriptionsStaffEn } from './prescriptions-staff.en-US.js';
import { privacyEn } from './privacy.en-US.js';
import { recordsPatientEn } from './records-patient.en-US.js';
import { recordsStaffEn } from './records-staff.en-US.js';
import { remoteCentreEn } from './remote-centre.en-US.js';
import { remoteRequestsEn } from './remote-requests.en-US.js';
import { searchEn } from './search.en-US.js';
import { supervisionEn } from './supervision.en-US.js';
import { triageEn } from './triage.en-US.js';
import { videoEn } from './video.en-US.js';
import { visitsEn } from './visits.en-US.js';
import { voiceEn } from './voice.en-US.js';
import { waitlistEn } from './waitlist.en-US.js';
import { wordingEn } from './wording.en-US.js';
import { workstationEn } from './workstation.en-US.js';
import type { Messages } from './zh-CN.js';

export const enUS: Messages = {
  app: {
    brand: 'Yunyi 云医',
    brandShort: 'Yunyi',
    subtitle: 'Regional Internet Hospital Platform',
    loading: 'Loading…',
  },
  lang: {
    label: 'Language',
    zh: '中文',
    en: 'English',
  },
  common: {
    logout: 'Log out',
    logoutConfirm: 'Log out now?',
    cancel: 'Cancel',
    confirm: 'OK',
    submit: 'Submit',
    retry: 'Retry',
    back: 'Back',
    backHome: 'Back to home',
    comingSoon: 'Coming soon',
    comingSoonDesc: 'This feature is being built and will arrive in a later release.',
    laterRelease: 'Later release',
    networkError: 'Network error. Please check your connection and try again.',
    loadFailed: 'Failed to load',
    notFound: 'Page not found',
  },
  roles: {
    patient: 'Patient',
    doctor: 'Doctor',
    nurse: 'Nurse',
    pharmacist: 'Pharmacist',
    pharmacy_staff: 'Pharmacy staff',
    org_admin: 'Institution admin',
    regulator: 'Regulator',
    insurer: 'Insurance officer',
    system_admin: 'System administrator',
    security_admin: 'Security administrator',
    audit_admin: 'Audit administrator',
  },
  errors: {
    INVALID_CREDENTIALS: 'Wrong phone number or password',
    LOGIN_LOCKED: 'Too many failed attempts. The account is locked for a while; please try again later.',
    PRIVACY_CONSENT_REQUIRED:
      'Please agree to the user agreement, privacy policy and sensitive-data processing first',
    INVALID_ID_NUMBER: 'The ID number is not valid',
    ID_NUMBER_TAKEN: 'This ID number is already verified by another account',
    REAL_NAME_REQUIRED: 'Verify your real name first',
    HEALTH_CARD_EXPIRED: 'The health card code has expired. Ask the patient to refresh it and scan again.',
    HEALTH_CARD_INVALID: 'Not a valid health card code',
    SLOT_FULL: 'No tokens left',
    SLOT_AVAILABLE: 'Tokens are still available: book directly',
    DUPLICATE_BOOKING: 'Already booked with this doctor that day',
    NOT_RELEASED: 'Tokens are not released yet',
    BOOKING_SUSPENDED: 'Booking is suspended after repeated no-shows',
    TOO_MANY_BOOKINGS: 'Too many open bookings',
    ALREADY_WAITLISTED: 'Already on the waitlist',
    WAITLIST_NOT_WAITING: 'This waitlist entry has ended (left or booked)',
    CANCEL_WINDOW_CLOSED: 'Too late to cancel online',
    SCHEDULE_STOPPED: 'This session was stopped',
    SCHEDULE_OVERLAP: 'The doctor already has a session at this time',
    ORDER_EXPIRED: 'Payment time is over',
    NOT_TODAY: 'Check-in is only possible on the visit day',
    NOT_CHECKABLE: 'This booking cannot be checked in',
    FOLLOW_UP_REQUIRES_OFFLINE_DIAGNOSIS:
      'An online follow-up needs a diagnosis of the condition made at a hospital',
    FIRST_VISIT_NOT_ALLOWED: 'An online first visit is not possible here',
    GUARDIAN_REQUIRED: 'A guardian is required for a minor',
    DOCTOR_NOT_AVAILABLE: 'The doctor cannot see patients right now',
    NOT_YOUR_PATIENT: 'You may not act for this patient',
    CONSENT_REQUIRED: 'Read and accept the informed consent first',
    DUPLICATE_VISIT: 'This patient already has an open visit with this doctor or department',
    VISIT_NOT_WAITING: 'The visit is not waiting to be seen',
    VISIT_NOT_IN_PROGRESS: 'The visit is not in progress',
    VISIT_NOT_OPEN: 'The visit is no longer open',
    VISIT_CLOSED: 'The visit has ended',
    VISIT_NOT_STARTED: 'The visit has not started yet',
    NOT_CANCELLABLE: 'This can no longer be cancelled',
    NOT_A_PARTICIPANT: 'You are not part of this visit',
    NOT_YOUR_VISIT: 'Only the doctor seeing this visit can do this',
    RECORD_SIGNED: 'The record is signed; add an addendum instead',
    RECORD_INCOMPLETE: 'The record is not complete',
    RECORD_NOT_READY: 'The record shows once the doctor has signed it',
    DIAGNOSIS_NOT_ALLOWED: 'A consultation cannot carry a diagnosis',
    UNKNOWN_ICD10: 'Not a valid ICD-10 code',
    UNSUPPORTED_ATTACHMENT: 'This file type is not supported',
    IMAGE_UNREADABLE: 'The picture cannot be read; take or choose another one',
    // DJ-21
    UPLOAD_INFECTED: 'The file failed the virus scan and was refused',
    UPLOAD_SCAN_UNAVAILABLE: 'The file could not be scanned now; upload it again later',
    ATTACHMENT_NOT_FOUND: 'The attachment is missing, of the wrong type or not yours',
    ALREADY_RATED: 'This visit is already rated',
    FIRST_VISIT_BAR_NOT_MET: 'The doctor does not meet the requirements of the first-visit pilot',
    CALL_ENDED: 'The call has ended',
    // DJ-2 / DJ-6
    PASSWORD_POLICY: 'The password does not meet the policy',
    PASSWORD_CHANGE_REQUIRED: 'Change your password first',
    MFA_CHALLENGE_INVALID: 'The sign-in verification expired; enter your password again',
    MFA_METHOD_UNAVAILABLE: 'This verification method is not available',
    PASSWORD_LOGIN_REQUIRED: 'Sign in with your password',
  },
  login: {
    welcome: 'Welcome',
    tabPassword: 'Password',
    tabOtp: 'SMS code',
    phone: 'Phone',
    phonePlaceholder: 'Mobile phone number',
    phoneRequired: 'Please enter your phone number',
    phoneInvalid: 'Please enter a valid 11-digit mobile number',
    password: 'Password',
    passwordPlaceholder: 'Password',
    passwordRequired: 'Please enter your password',
    otp: 'Code',
    otpPlaceholder: '6-digit code',
    otpRequired: 'Please enter the code',
    sendOtp: 'Get code',
    resendIn: 'Resend in {{seconds}}s',
    otpSent: 'Code sent',
    devCodeHint: 'Demo environment code: {{code}}',
    otpNewUser: 'A new phone number gets a patient account after verification',
    submit: 'Log in',
    failed: 'Login failed',
    features: 'Appointments · Online follow-ups · e-Prescriptions · Insurance',
    footer: '© Yunyi 云医 · Open-source internet hospital platform',
  },
  patient: {
    tabs: { home: 'Home', messages: 'Messages', mine: 'Me' },
    home: {
      greetingAnonymous: 'Hello',
      greeting: 'Hello, {{name}}',
      verified: 'Verified',
      unverified: 'Not verified',
      verifyTip: 'Verify your real name to book appointments and see doctors online',
      goVerify: 'Verify',
      bannerTitle: 'See a doctor from home',
      bannerDesc: 'Repeat prescriptions · Home delivery · Reports',
      services: 'Services',
      book: 'Appointments',
      followUp: 'Online visit',
      prescriptions: 'Prescriptions',
      records: 'Health record',
      reports: 'Reports',
      familyDoctor: 'Family doctor',
      dependents: 'Family members',
      tipTitle: 'Please note',
      tipEmergency:
        'Online care is for follow-ups of common and chronic conditions. In an emergency, call 120 or go to the nearest emergency department.',
    },
    messages: {
      title: 'Messages',
      empty: 'No messages',
      emptyDesc: 'Visit reminders, prescriptions and report notices will appear here',
    },
    mine: {
      title: 'Me',
      unnamed: 'Unverified user',
      realName: 'Real-name verification',
      dependents: 'Family members',
      language: 'Language',
      elderlyMode: 'Elderly mode',
      elderlyModeDesc: 'Larger text, stronger contrast',
      settings: 'Settings',
    },
    comingSoon: {
      title: 'Coming soon',
      desc: '"{{name}}" is being built and will arrive in a later release.',
    },
    realName: {
      title: 'Real-name verification',
      intro:
        'Online care requires real-name verification. Your details are used only to verify your identity and are stored encrypted.',
      name: 'Full name',
      namePlaceholder: 'Name as on your ID card',
      nameRequired: 'Please enter your name',
      idNumber: 'ID number',
      idPlaceholder: '18-digit resident ID number',
      idRequired: 'Please enter your ID number',
      idInvalid: 'The ID number format or check digit is wrong',
      submit: 'Verify',
      success: 'Verified',
      verifiedTitle: 'Real name verified',
      verifiedDesc: 'All services, including appointments and online follow-ups, are open to you',
      birthDate: 'Date of birth',
      sex: 'Sex',
    },
    sex: { male: 'Male', female: 'Female' },
    relationship: {
      child: 'Child',
      parent: 'Parent',
      spouse: 'Spouse',
      grandchild: 'Grandchild',
      grandparent: 'Grandparent',
      sibling: 'Sibling',
      ward: 'Ward',
      other: 'Other',
    },
    dependents: {
      title: 'Family members',
      add: 'Add family member',
      empty: 'No family members yet',
      emptyDesc: 'Add family members to book and consult on their behalf',
      age: '{{count}} yrs',
      active: 'Active',
      pending: 'Pending',
      minor: 'Minor',
      pendingHint: 'Takes effect once they confirm with the SMS code',
      confirmAction: 'Enter code to confirm',
      confirmTitle: 'Confirm family member',
      confirmDesc: 'A code was sent to the phone of {{name}}. Enter it here.',
      codePlaceholder: '6-digit code',
      resend: 'Resend code',
      confirmed: 'Confirmed; the family member is active',
      remove: 'Remove',
      removeConfirm: 'Remove "{{name}}"?',
      removed: 'Removed',
      limitHint: "Used only for medical services; a guardian manages a minor's account",
    },
    dependentForm: {
      title: 'Add family member',
      relationship: 'Relationship',
      relationshipPlaceholder: 'Choose',
      relationshipRequired: 'Please choose the relationship',
      phone: 'Their phone',
      phonePlaceholder: "The family member's own phone",
      phoneRequiredAdult: 'They are an adult: their own phone number is required',
      adultHint: 'An adult confirms by SMS code before it takes effect',
      minorHint: 'You manage a minor as guardian; no phone needed',
      created: 'Added',
      createdPending: 'A code was sent to their phone; it takes effect once confirmed',
    },
  },
  booking: bookingEn,
  waitlist: waitlistEn,
  supervision: supervisionEn,
  video: videoEn,
  voice: voiceEn,
  visits: visitsEn,
  workstation: workstationEn,
  rxStaff: prescriptionsStaffEn,
  recordsStaff: recordsStaffEn,
  rxPatient: prescriptionsPatientEn,
  recordsPatient: recordsPatientEn,
  patientHome: homeEn,
  insurancePatient: insurancePatientEn,
  triage: triageEn,
  orders: ordersEn,
  insuranceStaff: insuranceStaffEn,
  healthCard: healthCardEn,
  search: searchEn,
  names: namesEn,
  wording: wordingEn,
  accountSecurity: accountSecurityEn,
  privacyPatient: privacyEn,
  remoteRequests: remoteRequestsEn,
  remoteCentre: remoteCentreEn,
  fdAdmin: fdAdminEn,
  fdStaff: fdStaffEn,
  fdResident: fdResidentEn,
  ecgViewer: ecgViewerEn,
  dicomViewer: dicomViewerEn,
  administration: administrationEn,
  staff: {
    consoles: {
      clinic: 'Clinical Workstation',
      admin: 'Institution Admin',
      regulator: 'Internet Healthcare Supervision',
      insurer: 'Medical Insurance Office',
      system: 'System Administration',
      security: 'Security Administration',
      audit: 'Security Audit',
    },
    menuHome: 'Dashboard',
    welcome: 'Welcome back, {{name}}',
    today: 'Today is {{date}}',
    platformNotice:
      'The platform is rolling out in stages; features marked “Later release” open in later versions.',
    cards: {
      todayVisits: {
        title: "Today's visits",
        desc: "See today's appointments and waiting patients; start chat or video",
      },
      onlineVisits: {
        title: 'Online follow-ups',
        desc: 'Renew prescriptions and write medical records for follow-ups',
      },
      records: { title: 'Medical records', desc: 'Write, sign and archive records with a full audit trail' },
      nursing: { title: 'Home nursing', desc: 'Take home-nursing and home sick bed orders' },
      prescriptionReview: {
        title: 'Prescriptions to review',
        desc: "Review doctors' e-prescriptions for safe use",
      },
      circulation: {
        title: 'Prescription circulation',
        desc: 'Receive prescriptions patients send to you; dispense and deliver',
      },
      traceCodes: { title: 'Drug trace codes', desc: 'Scan trace codes when dispensing and keep the record' },
      schedules: { title: 'Schedules', desc: "Doctors' sessions, tokens and schedule stops" },
      bookingPolicy: {
        title: 'Booking rules',
        desc: 'Release time, referral and partner quotas, cancelling and no-shows',
      },
      departments: {
        title: 'Departments & doctors',
        desc: "Departments, doctors' licences and qualifications",
      },
      institution: { title: 'Institution', desc: 'Licences, e-licences and internet hospital filing' },
      institutions: { title: 'Institutions', desc: 'Ongoing supervision of institutions and practitioners' },
      alerts: {
        title: 'Alerts',
        desc: 'Real-time alerts on out-of-scope practice and abnormal prescriptions',
      },
      statistics: {
        title: 'Statistics',
        desc: 'Online visit and prescription volumes and quality indicators',
      },
      settlement: { title: 'Settlement', desc: 'Insurance pre-settlement and settlement for online care' },
      review: { title: 'Smart review', desc: 'Rule-based review of insurance fund use' },
      reconciliation: { title: 'Reconciliation', desc: 'Reconcile settlements with designated institutions' },
      policy: {
        title: 'Insurance policy',
        desc: 'Versioned reimbursement rules (deductible, ratio, annual cap) and designated institutions',
      },
      firstVisitPilot: {
        title: 'First-visit pilot',
        desc: 'Open and revoke online first-visit pilots per institution and specialty',
      },
      firstVisitWhitelist: {
        title: 'First-visit whitelist',
        desc: 'Doctors allowed online first visits, each condition of the bar checked',
      },
      visitSupervision: { title: 'Visit supervision', desc: 'Online visits and their full timelines' },
      formulary: { title: 'Online formulary', desc: 'The drugs your doctors may prescribe online' },
      carePatients: {
        title: 'My patients',
        desc: 'Health records of the patients you treat or who authorised you',
      },
      hl7: {
        title: 'HL7 interface',
        desc: 'Hospital system feeds, dead letters to fix and replay, patient matching',
      },
      breakGlassAlerts: {
        title: 'Emergency access alerts',
        desc: 'Alerts of emergency record access, for review',
      },
      healthCardScan: {
        title: 'Scan health card',
        desc: "Scan a patient's electronic health card to confirm who they are",
      },
      accounts: { title: 'Accounts', desc: 'Create staff accounts, reset passwords, disable and enable' },
      accountControl: {
        title: 'Accounts & roles',
        desc: 'Change roles, lock and unlock accounts, reset second factors',
      },
      securityAlerts: {
        title: 'Security alerts',
        desc: 'Brute force, id enumeration, unusual exports and new networks, with evidence',
      },
      securityPolicy: {
        title: 'Security policy',
        desc: 'Passwords, lockout, second factor, address ranges and detection thresholds',
      },
      adminActions: {
        title: "Administrators' actions",
        desc: 'Every action of the three administrators, visible to all three',
      },
      auditEvents: {
        title: 'Audit log',
        desc: 'Search by time, actor, patient, action and outcome; export CSV',
      },
      auditVerify: { title: 'Chain verification', desc: 'Check that the SM3 audit chain is intact' },
      auditRetention: {
        title: 'Retention',
        desc: 'How long audit records stay online, and the platform retention schedule',
      },
      remoteRequests: {
        title: 'Remote diagnosis',
        desc: 'Send ECGs, images and specimens to a regional centre; progress, critical values, printing',
      },
      readingQueue: {
        title: 'Reading queue',
        desc: 'The centre’s queue, ECG and image viewers, writing and signing reports',
      },
      familyDoctor: {
        title: 'Family doctor workstation',
        desc: 'Contracted residents, the follow-up worklist and alerts, follow-up records, referrals and home services',
      },
      referrals: {
        title: 'Two-way referral',
        desc: 'Upward and downward referrals: accept, book on the referral quota, complete, care plans',
      },
      familyTeams: {
        title: 'Family-doctor teams and packages',
        desc: 'Your teams, their members and package prices',
      },
      fdAssessment: {
        title: 'Family-doctor assessment',
        desc: 'Residents signed, renewal, follow-ups on time, control rates and satisfaction; export',
      },
      remoteStats: {
        title: 'Remote diagnosis statistics',
        desc: 'Volumes, turnaround, critical values and rejected specimens per centre and institution',
      },
    },
  },
};
