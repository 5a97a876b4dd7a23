/**
 * The e-prescription and circulation contract ([5/12]): the drug catalogue, prescribing with rule checks,
 * signing (RX-2, RX-6), pharmacist review (RX-10), choosing a pharmacy (RX-13), dispensing with trace
 * codes (RX-11), delivery and receipt. TypeBox schemas the routes validate with; `Static` types the web
 * reads. Money is integer fen.
 */
import { type Static, Type } from 'typebox';
import { Limit, Nullable, page, Uuid } from './http.js';

const Instant = Type.String({ description: 'ISO 8601 instant' });
const DrugId = Type.String({ pattern: '^[A-Z]{2}[0-9]{4}$', description: '药品编码，如 YY0001' });

export const DRUG_KINDS = ['western', 'patent', 'herbal'] as const;
export const ANTIMICROBIAL_GRADES = ['none', 'unrestricted', 'restricted', 'special'] as const;
export const SPECIAL_FLAGS = [
  'narcotic',
  'psychotropic_1',
  'psychotropic_2',
  'toxic',
  'radioactive',
  'precursor',
] as const;

export const Drug = Type.Object(
  {
    id: DrugId,
    genericName: Type.String(),
    brandName: Nullable(Type.String()),
    nameEn: Type.String(),
    kind: Type.Enum(DRUG_KINDS, { description: 'western 西药 / patent 中成药 / herbal 中药饮片' }),
    dosageForm: Type.String(),
    strength: Type.Number(),
    strengthUnit: Type.String(),
    unit: Type.String({ description: '最小使用单位：片、粒、袋、ml…' }),
    packageSize: Type.Integer(),
    packageUnit: Type.String(),
    /** 规格，如 5mg×7片/盒. */
    spec: Type.String(),
    route: Type.String(),
    usualDailyDose: Type.Number(),
    maxDailyDose: Type.Number(),
    maxDailyDosePerKg: Nullable(Type.Number()),
    minAgeYears: Nullable(Type.Number()),
    priceFen: Type.Integer(),
    insuranceCategory: Type.Enum(['A', 'B', 'C'] as const, {
      description: 'A 甲类 / B 乙类 / C 丙类（自费）',
    }),
    otc: Type.Boolean(),
    antimicrobial: Type.Enum(ANTIMICROBIAL_GRADES, { description: '抗菌药物分级：非限制/限制/特殊使用级' }),
    specialFlags: Type.Array(Type.Enum(SPECIAL_FLAGS)),
    ingredients: Type.Array(Type.String()),
    chronic: Type.Boolean(),
    /** False when the drug is outside the asking doctor's institution's formulary (search with `formulary`). */
    inFormulary: Type.Optional(Type.Boolean()),
  },
  { description: 'Drug' },
);
export type Drug = Static<typeof Drug>;

export const DrugQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 50, description: '通用名、商品名或拼音首字母' })),
  /** Only drugs in this institution's formulary. */
  formulary: Type.Optional(Uuid),
  limit: Type.Optional(Limit(100, 20)),
});
export const DrugList = Type.Object({ items: Type.Array(Drug) });

export const FormularyEntry = Type.Object({ drug: Drug, addedAt: Instant });
export const FormularyPage = page(FormularyEntry);
export const FormularyQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 50 })),
  limit: Type.Optional(Limit(200, 50)),
  cursor: Type.Optional(Type.String({ maxLength: 40 })),
});

// --- Prescribing.

export const FREQUENCY_CODES = [
  'qd',
  'bid',
  'tid',
  'qid',
  'qn',
  'q12h',
  'q8h',
  'q6h',
  'qw',
  'prn',
  'st',
] as const;
export const Frequency = Type.Enum(FREQUENCY_CODES);
export type Frequency = Static<typeof Frequency>;

export const PrescriptionItemInput = Type.Object(
  {
    drugId: DrugId,
    dose: Type.Number({ minimum: 0.0001, maximum: 100000, description: '单次剂量（> 0）' }),
    doseUnit: Type.String({ minLength: 1, maxLength: 10 }),
    frequency: Frequency,
    days: Type.Integer({ minimum: 1, maximum: 365 }),
    quantity: Type.Integer({ minimum: 1, maximum: 1000, description: '数量（整包装）' }),
    route: Type.String({ minLength: 1, maxLength: 20 }),
    note: Type.Optional(Type.String({ maxLength: 200 })),
    /** The doctor's written reason to prescribe despite a severe interaction (the pharmacist sees it). */
    interactionOverrideReason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type PrescriptionItemInput = Static<typeof PrescriptionItemInput>;

export const PrescriptionBody = Type.Object(
  {
    items: Type.Array(PrescriptionItemInput, { minItems: 1, maxItems: 20 }),
    /** RX-6: 1 (the day of issue) by default; 2–3 with `validityReason`. */
    validDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 })),
    validityReason: Type.Optional(Type.String({ maxLength: 500 })),
    /** RX-9: a stated reason for more than 7 days' supply of a chronic, stable condition. */
    longTermReason: Type.Optional(Type.String({ maxLength: 500 })),
    /** Children's doses are checked per kg. */
    patientWeightKg: Type.Optional(Type.Number({ minimum: 0.3, maximum: 300, description: '体重（kg）' })),
  },
  { additionalProperties: false },
);
export type PrescriptionBody = Static<typeof PrescriptionBody>;

export const RuleCheck = Type.Object({
  rule: Type.String({ description: 'rules.md id, e.g. RX-8' }),
  code: Type.String(),
  outcome: Type.Enum(['pass', 'fail', 'overridden'] as const),
  drugId: Type.Optional(Type.String()),
  drugName: Type.Optional(Type.String()),
  message: Type.String(),
  messageEn: Type.String(),
});
export type RuleCheck = Static<typeof RuleCheck>;
export const CheckResult = Type.Object({ ok: Type.Boolean(), checks: Type.Array(RuleCheck) });
export type CheckResult = Static<typeof CheckResult>;

export const PRESCRIPTION_STATUSES = [
  'draft',
  'pending_review',
  'approved',
  'rejected',
  'superseded',
  'dispensed',
  'expired',
  'cancelled',
] as const;
export const PrescriptionStatus = Type.Enum(PRESCRIPTION_STATUSES);
export type PrescriptionStatus = Static<typeof PrescriptionStatus>;

export const Created = Type.Object({
  id: Uuid,
  status: PrescriptionStatus,
  checks: Type.Array(RuleCheck),
});

/** The answer to signing (RX-2, RX-6): the SM3 of the signed document, its certificate and validity. */
export const SignedResult = Type.Object({
  id: Uuid,
  status: PrescriptionStatus,
  checks: Type.Array(RuleCheck),
  contentHash: Type.String({ description: 'SM3 of the canonical signed document, hex' }),
  certificateSerial: Type.String(),
  validUntil: Instant,
});
export type SignedResult = Static<typeof SignedResult>;
export const ReviewResult = Type.Object({ id: Uuid, status: PrescriptionStatus });

export const PrescriptionItemView = Type.Object({
  line: Type.Integer(),
  drugId: Type.String(),
  genericName: Type.String(),
  brandName: Nullable(Type.String()),
  spec: Type.String(),
  dose: Type.Number(),
  doseUnit: Type.String(),
  frequency: Frequency,
  days: Type.Integer(),
  quantity: Type.Integer(),
  packageUnit: Type.String(),
  route: Type.String(),
  note: Nullable(Type.String()),
  interactionOverrideReason: Nullable(Type.String()),
  unitPriceFen: Type.Integer(),
  insuranceCategory: Type.String(),
});
export type PrescriptionItemView = Static<typeof PrescriptionItemView>;

export const ReviewView = Type.Object({
  decision: Type.Enum(['approve', 'reject'] as const),
  reason: Nullable(Type.String()),
  pharmacistName: Type.String(),
  reviewedAt: Instant,
  signature: Type.String(),
});

export const PrescriptionView = Type.Object(
  {
    id: Uuid,
    rootId: Uuid,
    version: Type.Integer(),
    replacesId: Nullable(Uuid),
    replacedById: Nullable(Uuid),
    visitId: Uuid,
    visitType: Type.String(),
    patientId: Uuid,
    patientName: Type.String(),
    patientSex: Type.String(),
    patientAgeYears: Type.Number(),
    patientWeightKg: Nullable(Type.Number()),
    /** Recorded allergies: what the pharmacist checks against. */
    allergies: Type.Array(Type.String()),
    doctorName: Type.String(),
    practitionerId: Uuid,
    institutionId: Uuid,
    institutionName: Type.String(),
    departmentName: Type.String(),
    kind: Type.Enum(['western', 'herbal'] as const),
    status: PrescriptionStatus,
    diagnoses: Type.Array(Type.Object({ icd10: Type.String(), name: Type.String() })),
    items: Type.Array(PrescriptionItemView),
    totalFen: Type.Integer(),
    validDays: Type.Integer(),
    validityReason: Nullable(Type.String()),
    longTermReason: Nullable(Type.String()),
    checks: Type.Array(RuleCheck),
    createdAt: Instant,
    signedAt: Nullable(Instant),
    validUntil: Nullable(Instant),
    contentHash: Nullable(Type.String()),
    signature: Nullable(Type.String()),
    certificateSerial: Nullable(Type.String()),
    review: Nullable(ReviewView),
    /** The live fulfilment, when the patient has chosen a pharmacy. */
    fulfilmentId: Nullable(Uuid),
  },
  { description: 'PrescriptionView' },
);
export type PrescriptionView = Static<typeof PrescriptionView>;

export const PrescriptionSummary = Type.Object({
  id: Uuid,
  version: Type.Integer(),
  visitId: Uuid,
  patientName: Type.String(),
  doctorName: Type.String(),
  institutionName: Type.String(),
  status: PrescriptionStatus,
  drugs: Type.Array(Type.String()),
  totalFen: Type.Integer(),
  createdAt: Instant,
  signedAt: Nullable(Instant),
  validUntil: Nullable(Instant),
  /** Failed or overridden pre-checks the pharmacist should look at. */
  flags: Type.Integer(),
  fulfilmentId: Nullable(Uuid),
  fulfilmentStatus: Nullable(Type.String()),
});
export type PrescriptionSummary = Static<typeof PrescriptionSummary>;
export const PrescriptionPage = page(PrescriptionSummary);
export const PrescriptionListQuery = Type.Object({
  /** `review`: the pharmacist's queue at their institution; `mine` (default): the caller's own. */
  queue: Type.Optional(Type.Enum(['review', 'mine'] as const)),
  patientId: Type.Optional(Uuid),
  visitId: Type.Optional(Uuid),
  status: Type.Optional(PrescriptionStatus),
  limit: Type.Optional(Limit(100, 20)),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});

export const ReviewBody = Type.Object(
  {
    decision: Type.Enum(['approve', 'reject'] as const),
    reason: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type ReviewBody = Static<typeof ReviewBody>;

export const VerifyResult = Type.Object({
  valid: Type.Boolean(),
  signer: Type.Object({ name: Type.String(), practitionerCode: Type.String(), institution: Type.String() }),
  certificate: Type.Object({
    serial: Type.String(),
    issuer: Type.String(),
    validFrom: Type.String(),
    validTo: Type.String(),
    publicKeyPem: Type.String(),
  }),
  hash: Type.String({ description: 'SM3 of the canonical signed document, hex' }),
  problems: Type.Array(Type.String()),
});
export type VerifyResult = Static<typeof VerifyResult>;

// --- Circulation (RX-13) and dispensing (RX-11).

export const PharmacyOffer = Type.Object({
  pharmacyId: Uuid,
  name: Type.String(),
  type: Type.String({ description: 'hospital 医院药房 / pharmacy 零售药店' }),
  address: Type.String(),
  phone: Nullable(Type.String()),
  distanceM: Nullable(Type.Integer({ description: '与默认收货地址的直线距离（米）' })),
  available: Type.Boolean({ description: '每种药品都有库存' }),
  items: Type.Array(
    Type.Object({
      drugId: Type.String(),
      quantity: Type.Integer(),
      inStock: Type.Boolean(),
      priceFen: Nullable(Type.Integer()),
    }),
  ),
  drugFen: Nullable(Type.Integer()),
  deliveryFeeFen: Type.Integer(),
  methods: Type.Array(Type.Enum(['pickup', 'delivery'] as const)),
  openingHours: Nullable(Type.String()),
});
export type PharmacyOffer = Static<typeof PharmacyOffer>;
export const PharmacyOffers = Type.Object({ items: Type.Array(PharmacyOffer) });
export const PharmacyOffersQuery = Type.Object({ addressId: Type.Optional(Uuid) });

export const FulfilmentBody = Type.Object(
  {
    pharmacyId: Uuid,
    method: Type.Enum(['pickup', 'delivery'] as const),
    addressId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export type FulfilmentBody = Static<typeof FulfilmentBody>;
export const FulfilmentCreated = Type.Object({
  id: Uuid,
  orderId: Uuid,
  pickupCode: Type.Optional(Type.String()),
});
export type FulfilmentCreated = Static<typeof FulfilmentCreated>;

export const FULFILMENT_STATUSES = [
  'awaiting_payment',
  'paid',
  'dispensed',
  'shipping',
  'delivered',
  'received',
  'picked_up',
  'returned',
  'cancelled',
] as const;
export const FulfilmentStatus = Type.Enum(FULFILMENT_STATUSES);
export type FulfilmentStatus = Static<typeof FulfilmentStatus>;

export const TimelineEntry = Type.Object({
  at: Instant,
  kind: Type.String({
    description:
      'saved, checked, signed, reviewed, chosen, reserved, paid, dispensed, shipped, in_transit, delivered, received, returned, refunded, expired …',
  }),
  text: Type.String(),
  textEn: Type.String(),
});
export type TimelineEntry = Static<typeof TimelineEntry>;

export const FulfilmentView = Type.Object(
  {
    id: Uuid,
    prescriptionId: Uuid,
    patientName: Type.String(),
    pharmacyId: Uuid,
    pharmacyName: Type.String(),
    pharmacyAddress: Type.String(),
    method: Type.Enum(['pickup', 'delivery'] as const),
    status: FulfilmentStatus,
    orderId: Uuid,
    orderStatus: Type.String(),
    drugFen: Type.Integer(),
    deliveryFeeFen: Type.Integer(),
    /** Shown to the patient (and never to the pharmacy, which asks for it at the counter). */
    pickupCode: Nullable(Type.String()),
    address: Nullable(
      Type.Object({
        recipient: Type.String(),
        phoneMasked: Type.String(),
        subdistrict: Type.String(),
        detail: Type.String(),
      }),
    ),
    items: Type.Array(
      Type.Object({
        drugId: Type.String(),
        genericName: Type.String(),
        spec: Type.String(),
        quantity: Type.Integer(),
        packageUnit: Type.String(),
        unitPriceFen: Type.Integer(),
      }),
    ),
    boxes: Type.Array(
      Type.Object({ drugId: Type.String(), batchNo: Type.String(), traceCode: Type.String() }),
    ),
    delivery: Nullable(
      Type.Object({ courier: Type.String(), waybillNo: Nullable(Type.String()), status: Type.String() }),
    ),
    timeline: Type.Array(TimelineEntry),
    createdAt: Instant,
    /** The prescription's validity (RX-6): nothing is dispensed after it. */
    validUntil: Nullable(Instant),
    /** Why it was cancelled (payment_timeout, prescription_expired, pharmacy_cancelled: …). */
    cancelReason: Nullable(Type.String()),
  },
  { description: 'FulfilmentView' },
);
export type FulfilmentView = Static<typeof FulfilmentView>;

export const FulfilmentSummary = Type.Object({
  id: Uuid,
  prescriptionId: Uuid,
  patientName: Type.String(),
  pharmacyName: Type.String(),
  method: Type.Enum(['pickup', 'delivery'] as const),
  status: FulfilmentStatus,
  drugs: Type.Array(Type.String()),
  totalFen: Type.Integer(),
  createdAt: Instant,
});
export type FulfilmentSummary = Static<typeof FulfilmentSummary>;
export const FulfilmentPage = page(FulfilmentSummary);
export const FulfilmentListQuery = Type.Object({
  /** Staff: their own pharmacy (the default); another one is refused (RX_NOT_YOUR_PHARMACY). */
  pharmacyId: Type.Optional(Uuid),
  status: Type.Optional(FulfilmentStatus),
  limit: Type.Optional(Limit(100, 20)),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});

/** 追溯码: 20 digits, scanned from each box. */
export const TraceCode = Type.String({ pattern: '^[0-9]{20}$', description: '药品追溯码（20 位数字）' });

export const DispenseBody = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          drugId: DrugId,
          batchNo: Type.String({ minLength: 1, maxLength: 40 }),
          // Scanned text as it came; each must be a TraceCode (20 digits), checked by the service so a
          // bad scan is answered with RX_TRACE_CODE_INVALID naming it, not a generic validation error.
          traceCodes: Type.Array(
            Type.String({ minLength: 1, maxLength: 40, description: '药品追溯码（20 位数字），每盒一个' }),
            { minItems: 1, maxItems: 200 },
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 20 },
    ),
    /** Pick-up: the code the patient shows at the counter. */
    pickupCode: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
  },
  { additionalProperties: false },
);
export type DispenseBody = Static<typeof DispenseBody>;

export const CancelFulfilmentBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);

// --- Delivery addresses and the courier.

export const Subdistrict = Type.Object({ code: Type.String(), name: Type.String(), nameEn: Type.String() });
export const Subdistricts = Type.Object({ items: Type.Array(Subdistrict) });

export const AddressBody = Type.Object(
  {
    recipient: Type.String({ minLength: 1, maxLength: 40 }),
    phone: Type.String({ pattern: '^1[3-9][0-9]{9}$' }),
    subdistrict: Type.String({ minLength: 1, maxLength: 20, description: '街道编码（GET /subdistricts）' }),
    detail: Type.String({ minLength: 2, maxLength: 200 }),
    isDefault: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type AddressBody = Static<typeof AddressBody>;
export const Address = Type.Object({
  id: Uuid,
  recipient: Type.String(),
  phoneMasked: Type.String(),
  subdistrict: Type.String(),
  subdistrictName: Type.String(),
  detail: Type.String(),
  isDefault: Type.Boolean(),
});
export type Address = Static<typeof Address>;
export const AddressList = Type.Object({ items: Type.Array(Address) });

export const COURIER_STATUSES = ['picked_up', 'in_transit', 'delivered', 'failed'] as const;
/** A courier's status callback (the simulated courier posts these, signed; modelled on SF Express push). */
export const CourierCallback = Type.Object({
  eventId: Type.String({ minLength: 1, maxLength: 80 }),
  waybillNo: Type.String({ minLength: 1, maxLength: 40 }),
  status: Type.Enum(COURIER_STATUSES),
  occurredAt: Instant,
  note: Type.Optional(Type.String({ maxLength: 200 })),
});
export type CourierCallback = Static<typeof CourierCallback>;

// --- Stock.

export const StockLine = Type.Object({
  drugId: Type.String(),
  genericName: Type.String(),
  spec: Type.String(),
  priceFen: Type.Integer(),
  onHand: Type.Integer(),
  reserved: Type.Integer(),
  batches: Type.Array(
    Type.Object({ batchNo: Type.String(), expiresOn: Type.String(), quantity: Type.Integer() }),
  ),
});
export type StockLine = Static<typeof StockLine>;
export const StockPage = page(StockLine);
export const StockQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 50 })),
  limit: Type.Optional(Limit(200, 50)),
  cursor: Type.Optional(Type.String({ maxLength: 40 })),
});
export const ReceiveBatchBody = Type.Object(
  {
    drugId: DrugId,
    batchNo: Type.String({ minLength: 1, maxLength: 40 }),
    expiresOn: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    quantity: Type.Integer({ minimum: 1, maximum: 100000 }),
    /** Per package: at most ¥10,000, so an order's total stays far inside integer fen. */
    priceFen: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  },
  { additionalProperties: false },
);
export type ReceiveBatchBody = Static<typeof ReceiveBatchBody>;

export const AllergyBody = Type.Object(
  {
    substance: Type.String({ minLength: 1, maxLength: 50 }),
    reaction: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export const Allergy = Type.Object({
  id: Uuid,
  substance: Type.String(),
  reaction: Nullable(Type.String()),
  recordedAt: Instant,
  /** Recorded by a doctor in their care of the patient: only a doctor may remove it (RX-10). */
  recordedByDoctor: Type.Boolean(),
});
export const AllergyList = Type.Object({ items: Type.Array(Allergy) });
