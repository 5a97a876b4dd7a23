import { Hl7Message } from '@medplum/core';
import { describe, expect, it } from 'vitest';
import { idCheckChar } from '../../../shared/identity.js';
import { buildAck } from './ack.js';
import { readAdt } from './adt.js';
import { Hl7Problem } from './hl7.errors.js';
import { acceptedKind, parseMessage } from './hl7.message.js';
import { FS, frame, MllpFramer, VT } from './mllp.js';
import { LOINC, localCodeSystem, readOru, readRange } from './oru.js';

const NOW = new Date('2026-11-22T02:00:00Z');
// Fictional, well-formed (GB 11643) resident ID: male (odd sequence), born 1980-06-15.
const ID = `11010119800615001${idCheckChar('11010119800615001')}`;

const msg = (...segments: string[]) => segments.join('\r');
/** A segment from its fields by position (1-based), the rest empty. */
const seg = (name: string, fields: Record<number, string>) => {
  const n = Math.max(...Object.keys(fields).map(Number));
  return [name, ...Array.from({ length: n }, (_, i) => fields[i + 1] ?? '')].join('|');
};
const MSH = (type: string, control = 'C1') =>
  `MSH|^~\\&|HIS|YCH01HIS|YUNYI|YUNYI|20261121100000||${type}|${control}|P|2.5`;
const PID = `PID|1||${ID}^^^^NNCHN~H123^^^YCH01^PI||张^三||19800615|M|||||13900001111`;

function problemOf(fn: () => unknown): Hl7Problem {
  try {
    fn();
  } catch (err) {
    if (err instanceof Hl7Problem) return err;
    throw err;
  }
  throw new Error('expected an Hl7Problem');
}

describe('MLLP framing', () => {
  it('splits frames that arrive in pieces and several in one chunk; bytes outside frames are ignored', () => {
    const framer = new MllpFramer(1000);
    const a = frame('MSH|one');
    const b = frame('MSH|二');
    const all = Buffer.concat([Buffer.from('\n'), a, b]);
    const events = [
      ...framer.push(all.subarray(0, 5)),
      ...framer.push(all.subarray(5, a.length)),
      ...framer.push(all.subarray(a.length, a.length + 1 + 3)),
      ...framer.push(all.subarray(a.length + 4)),
    ];
    expect(events.map((e) => (e.kind === 'frame' ? e.data.toString('utf8') : e.kind))).toEqual([
      'MSH|one',
      'MSH|二',
    ]);
  });

  it('FS and CR split over two chunks still end the frame once', () => {
    const framer = new MllpFramer(1000);
    expect(framer.push(Buffer.from([VT, 0x41, FS]))).toHaveLength(1);
    expect(framer.push(Buffer.from([0x0d]))).toEqual([]);
  });

  it('a frame over the limit is reported with its head, not buffered on', () => {
    const framer = new MllpFramer(10);
    const events = framer.push(Buffer.concat([Buffer.from([VT]), Buffer.from('MSH|0123456789abc')]));
    expect(events).toHaveLength(1);
    expect(events[0]!.kind).toBe('too-large');
  });
});

describe('header and message kinds', () => {
  it('accepts ADT^A01/A03/A04/A08 and ORU^R01; refuses other types, events, processing ids and versions (AR)', () => {
    for (const t of ['ADT^A01', 'ADT^A03', 'ADT^A04^ADT_A01', 'ADT^A08', 'ORU^R01^ORU_R01'])
      expect(acceptedKind(parseMessage(msg(MSH(t))))).toBe(t.split('^').slice(0, 2).join('^'));
    expect(problemOf(() => acceptedKind(parseMessage(msg(MSH('SIU^S12'))))).spec.code).toBe(
      'HL7_UNSUPPORTED_MESSAGE',
    );
    expect(problemOf(() => acceptedKind(parseMessage(msg(MSH('ADT^A31'))))).spec.code).toBe(
      'HL7_UNSUPPORTED_EVENT',
    );
    const training = msg(MSH('ADT^A04').replace('|P|2.5', '|T|2.5'));
    expect(problemOf(() => acceptedKind(parseMessage(training))).spec).toMatchObject({
      ack: 'AR',
      hl7: '202',
    });
  });

  it('text without MSH or without a control id is unparseable', () => {
    expect(problemOf(() => parseMessage('hello')).spec.code).toBe('HL7_UNPARSEABLE');
    expect(problemOf(() => parseMessage(MSH('ADT^A04', ''))).spec.code).toBe('HL7_UNPARSEABLE');
  });
});

describe('ADT', () => {
  it('reads patient, visit and diagnoses; sex and birth date come from the resident ID (ID-2)', () => {
    const text = msg(
      MSH('ADT^A04'),
      'EVN|A04|20261121093000',
      PID,
      seg('PV1', {
        1: '1',
        2: 'O',
        3: 'CARD^^^YCH01',
        7: '111101011997001^陈^建国',
        19: 'V2026001',
        44: '20261121093000',
      }),
      'DG1|1||I10^原发性高血压^I10||20261121093500|F',
      'DG1|2||E11.900x001^^I10|||W',
    );
    const facts = readAdt(parseMessage(text), 'A04', NOW);
    expect(facts.patient).toEqual({ idNumber: ID, name: '张三', birthDate: '1980-06-15', sex: 'male' });
    expect(facts.visit).toMatchObject({
      number: 'V2026001',
      class: 'AMB',
      departmentRef: 'CARD',
      doctorRef: '111101011997001',
      admitAt: new Date('2026-11-21T01:30:00Z'),
    });
    expect(facts.diagnoses).toEqual([
      { icd10: 'I10', name: '原发性高血压', type: 'F', at: new Date('2026-11-21T01:35:00Z') },
      { icd10: 'E11.900X001', name: null, type: 'W', at: null },
    ]);
  });

  it('a resident ID failing GB 11643, or contradicting PID-7/PID-8, is an error (AE)', () => {
    const bad = msg(MSH('ADT^A04'), PID.replace(ID, `${ID.slice(0, 17)}9`), 'PV1|1|O|||||||||||||||||||V1');
    expect(problemOf(() => readAdt(parseMessage(bad), 'A04', NOW)).spec.code).toBe('HL7_BAD_ID_NUMBER');
    const mismatch = msg(MSH('ADT^A04'), PID.replace('|M|', '|F|'), 'PV1|1|O|||||||||||||||||||V1');
    expect(problemOf(() => readAdt(parseMessage(mismatch), 'A04', NOW)).spec.code).toBe('HL7_ID_MISMATCH');
  });

  it('no PID, or neither a resident ID nor a name, is HL7_PATIENT_MISSING; A04 without PV1-19 a missing field', () => {
    expect(problemOf(() => readAdt(parseMessage(msg(MSH('ADT^A04'))), 'A04', NOW)).spec.code).toBe(
      'HL7_PATIENT_MISSING',
    );
    const noOne = msg(MSH('ADT^A04'), 'PID|1||H123^^^YCH01^PI', 'PV1|1|O');
    expect(problemOf(() => readAdt(parseMessage(noOne), 'A04', NOW)).spec.code).toBe('HL7_PATIENT_MISSING');
    const noVisit = msg(MSH('ADT^A04'), PID, 'PV1|1|O');
    expect(problemOf(() => readAdt(parseMessage(noVisit), 'A04', NOW))).toMatchObject({
      spec: { code: 'HL7_REQUIRED_FIELD_MISSING' },
      location: { segment: 'PV1', field: 19 },
    });
  });
});

describe('ORU', () => {
  const oru = (...rest: string[]) =>
    msg(
      MSH('ORU^R01'),
      PID,
      seg('OBR', {
        1: '1',
        3: 'L2026-1^LIS',
        4: '24331-1^血脂四项^LN',
        7: '20261120080000',
        22: '20261120100000',
        24: 'LAB',
        25: 'F',
        32: '001&王&检验',
        34: '002&李&技师',
      }),
      ...rest,
    );

  it('maps values, units, ranges, flags and codes (LOINC or the sender’s local system)', () => {
    const facts = readOru(
      parseMessage(
        oru(
          'OBX|1|NM|2093-3^总胆固醇^LN||6.20|mmol/L|<5.2|H|||F|||20261120083000',
          'OBX|2|NM|GLU^葡萄糖^L||5.60|mmol/L|3.9-6.1|N|||F',
          'OBX|3|ST|HBSAG^乙肝表面抗原||阴性||阴性||||F',
        ),
      ),
      NOW,
    );
    const [r] = facts.reports;
    expect(r).toMatchObject({
      fillerOrder: 'L2026-1',
      kind: 'lab',
      codeSystem: LOINC,
      code: '24331-1',
      status: 'final',
      verifierName: '王检验',
      performerName: '李技师',
      effectiveAt: new Date('2026-11-20T00:00:00Z'),
      issuedAt: new Date('2026-11-20T02:00:00Z'),
    });
    expect(
      r!.observations.map((o) => [
        o.codeSystem,
        o.code,
        o.valueNum,
        o.valueText,
        o.refLow,
        o.refHigh,
        o.flag,
      ]),
    ).toEqual([
      [LOINC, '2093-3', 6.2, '6.20', null, 5.2, 'H'],
      [localCodeSystem('YCH01HIS'), 'GLU', 5.6, '5.60', 3.9, 6.1, 'N'],
      [localCodeSystem('YCH01HIS'), 'HBSAG', null, '阴性', null, null, null],
    ]);
    expect(r!.observations[0]!.effectiveAt).toEqual(new Date('2026-11-20T00:30:00Z'));
    expect(r!.observations[1]!.effectiveAt).toEqual(r!.effectiveAt);
  });

  it('imaging: TX marked &GDT / &IMP (or sub-id) become findings and conclusion', () => {
    const text = msg(
      MSH('ORU^R01'),
      PID,
      seg('OBR', {
        1: '1',
        3: 'R2026-9',
        4: 'CT-CHEST^胸部CT平扫',
        7: '20261120090000',
        24: 'RAD',
        25: 'F',
        32: '003&赵&影像',
      }),
      'OBX|1|TX|CT-CHEST&GDT^检查所见||双肺纹理清晰，\\.br\\未见明确结节。||||||F',
      'OBX|2|FT|CT-CHEST^诊断意见|IMP|胸部CT平扫未见明显异常||||||F',
    );
    const [r] = readOru(parseMessage(text), NOW).reports;
    expect(r).toMatchObject({
      kind: 'imaging',
      findings: '双肺纹理清晰，\n未见明确结节。',
      conclusion: '胸部CT平扫未见明显异常',
      verifierName: '赵影像',
      observations: [],
    });
  });

  it('a bad OBX-14 date, a non-number NM or an unknown flag is AE with the field’s position', () => {
    const date = problemOf(() =>
      readOru(parseMessage(oru('OBX|1|NM|GLU^葡萄糖||5.6|mmol/L||N|||F|||20261345')), NOW),
    );
    expect(date).toMatchObject({
      spec: { code: 'HL7_BAD_DATE', ack: 'AE', hl7: '102' },
      location: { segment: 'OBX', field: 14 },
    });
    expect(date.detail).toContain('OBX-14');
    const num = problemOf(() => readOru(parseMessage(oru('OBX|1|NM|GLU||高|mmol/L||N|||F')), NOW));
    expect(num.spec.code).toBe('HL7_BAD_VALUE');
    const flag = problemOf(() => readOru(parseMessage(oru('OBX|1|NM|GLU||5|mmol/L||Q|||F')), NOW));
    expect(flag.spec.code).toBe('HL7_UNKNOWN_CODE');
  });

  it('reference ranges as Chinese reports write them', () => {
    expect(readRange('3.5-5.3')).toEqual({ refLow: 3.5, refHigh: 5.3, refText: '3.5-5.3' });
    expect(readRange('3.5～5.3')).toMatchObject({ refLow: 3.5, refHigh: 5.3 });
    expect(readRange('-2.0-2.0')).toMatchObject({ refLow: -2, refHigh: 2 });
    expect(readRange('<5.2')).toEqual({ refLow: null, refHigh: 5.2, refText: '<5.2' });
    expect(readRange('≥1.04')).toMatchObject({ refLow: 1.04, refHigh: null });
    expect(readRange('阴性')).toEqual({ refLow: null, refHigh: null, refText: '阴性' });
  });
});

describe('ACK', () => {
  it('swaps sender and receiver, acknowledges the control id, and escapes the zh-CN text; medplum reads it back', () => {
    const text = buildAck({
      envelope: parseMessage(msg(MSH('ADT^A04', 'CTRL-9'))).envelope,
      event: 'A04',
      code: 'AE',
      reasons: [
        {
          code: 'HL7_BAD_DATE',
          hl7: '102',
          hl7Text: 'Data type error',
          severity: 'E',
          text: 'OBX-14 不是有效的日期时间|^&~',
          location: { segment: 'OBX', sequence: 2, field: 14 },
        },
      ],
      ackControlId: 'A1',
      now: NOW,
    });
    const ack = Hl7Message.parse(text);
    const msh = ack.getSegment('MSH')!;
    expect([
      msh.getField(3).toString(),
      msh.getField(4).toString(),
      msh.getField(5).toString(),
      msh.getField(6).toString(),
    ]).toEqual(['YUNYI', 'YUNYI', 'HIS', 'YCH01HIS']);
    expect(msh.getField(9).toString()).toBe('ACK^A04^ACK');
    expect(msh.getField(7).toString()).toBe('20261122100000+0800');
    expect(ack.getSegment('MSA')!.getField(1).toString()).toBe('AE');
    expect(ack.getSegment('MSA')!.getField(2).toString()).toBe('CTRL-9');
    const err = ack.getSegment('ERR')!;
    expect(err.getComponent(3, 1)).toBe('102');
    expect(err.getComponent(2, 1)).toBe('OBX');
    expect(err.getComponent(2, 3)).toBe('14');
    expect(err.getField(8).toString()).toBe('OBX-14 不是有效的日期时间\\F\\\\S\\\\T\\\\R\\');
  });
});
