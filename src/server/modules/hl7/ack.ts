/**
 * The acknowledgement (ACK) of a received message, built with @medplum/core's segment classes: MSH with
 * sender and receiver swapped, MSA (MSA-1 AA/AE/AR, MSA-2 the control id acknowledged, MSA-3 a short
 * text), and an ERR per reason (ERR-2 where, ERR-3 HL7 table 0357 code, ERR-4 severity, ERR-5 our code,
 * ERR-8 zh-CN text for the sender's staff).
 */
import { Hl7Context, Hl7Message, Hl7Segment } from '@medplum/core';
import { newId } from '../../platform/ids.js';
import {
  ACK_NOTES,
  ACK_PROBLEMS,
  type AckNoteKey,
  type AckProblemSpec,
  type ErrorLocation,
  type Hl7Problem,
} from './hl7.errors.js';
import { escapeHl7 } from './hl7.fields.js';
import type { Envelope } from './hl7.message.js';

export type AckCode = 'AA' | 'AE' | 'AR';

/** One ERR segment's content. */
export interface AckReason {
  code: string;
  hl7: string;
  hl7Text: string;
  severity: 'E' | 'W' | 'I';
  text: string;
  location?: ErrorLocation;
}

export interface AckInput {
  /** What was read of the message's MSH (empty strings where nothing could be read). */
  envelope: Partial<Envelope>;
  /** MSH-9.2 of the acknowledged message (A04, R01…), mirrored in ACK^<event>^ACK. */
  event?: string;
  code: AckCode;
  /** MSA-3. */
  text?: string;
  reasons?: AckReason[];
  /** MSH-10 of the ACK itself. */
  ackControlId: string;
  now: Date;
}

/** Beijing time as an HL7 DTM with its offset (the platform's business calendar). */
export function hl7Now(now: Date): string {
  const local = new Date(now.getTime() + 8 * 3600_000).toISOString();
  return `${local.slice(0, 19).replace(/[-:T]/g, '')}+0800`;
}

const MSA_TEXT: Record<AckCode, string> = { AA: 'OK', AE: 'Application Error', AR: 'Application Reject' };

/** The ACK as HL7 text (segments separated by \r), ready for MLLP framing. */
export function buildAck(input: AckInput): string {
  const context = new Hl7Context();
  const e = input.envelope;
  const field = (value: string | undefined) => escapeHl7(value ?? '');
  const segments = [
    new Hl7Segment(
      [
        'MSH',
        context.getMsh2(),
        field(e.receivingApp || 'YUNYI'),
        field(e.receivingFacility || 'YUNYI'),
        field(e.sendingApp),
        field(e.sendingFacility),
        hl7Now(input.now),
        '',
        input.event ? `ACK^${field(input.event)}^ACK` : 'ACK',
        field(input.ackControlId),
        'P',
        field(e.version || '2.5'),
      ],
      context,
    ),
    new Hl7Segment(
      ['MSA', input.code, field(e.controlId), field(input.text ?? MSA_TEXT[input.code])],
      context,
    ),
    ...(input.reasons ?? []).map(
      (r) =>
        new Hl7Segment(
          [
            'ERR',
            '',
            r.location
              ? [
                  r.location.segment,
                  r.location.sequence ?? 1,
                  r.location.field ?? '',
                  r.location.field ? 1 : '',
                  r.location.component ?? '',
                ].join('^')
              : '',
            `${r.hl7}^${field(r.hl7Text)}^HL70357`,
            r.severity,
            `${field(r.code)}^^L`,
            '',
            '',
            field(r.text),
          ],
          context,
        ),
    ),
  ];
  return new Hl7Message(segments, context).toString();
}

/** AA: applied, or held for the match queue (MSA-3 says so), with the notes as ERR of severity W or I. */
export function acceptedAck(
  envelope: Partial<Envelope>,
  event: string | undefined,
  notes: readonly AckNoteKey[],
  now: Date,
): string {
  const reasons: AckReason[] = notes.map((n) => ({
    code: ACK_NOTES[n].code,
    hl7: ACK_NOTES[n].hl7,
    hl7Text: ACK_NOTES[n].hl7Text,
    severity: ACK_NOTES[n].severity,
    text: ACK_NOTES[n].zh,
  }));
  const held = notes.includes('pendingMatch');
  return buildAck({
    envelope,
    event,
    code: 'AA',
    ...(held ? { text: '已接收，待人工匹配患者' } : {}),
    reasons,
    ackControlId: newId(),
    now,
  });
}

/** AE or AR for a problem, with its position in ERR-2. */
export function problemAck(
  envelope: Partial<Envelope>,
  event: string | undefined,
  problem: Hl7Problem,
  now: Date,
): string {
  return buildAck({
    envelope,
    event,
    code: problem.spec.ack,
    reasons: [
      {
        code: problem.spec.code,
        hl7: problem.spec.hl7,
        hl7Text: problem.spec.hl7Text,
        severity: 'E',
        text: problem.detail,
        ...(problem.location ? { location: problem.location } : {}),
      },
    ],
    ackControlId: newId(),
    now,
  });
}

/**
 * The ACK a stored message was given, for a resend: its code, and its reasons from the stored codes
 * (comma-separated notes of an AA, or the problem of an AE/AR with its stored detail).
 */
export function storedAck(
  code: AckCode,
  errorCode: string | null,
  errorDetail: string | null,
  envelope: Partial<Envelope>,
  event: string | undefined,
  now: Date,
): string {
  const codes = errorCode ? errorCode.split(',') : [];
  if (code === 'AA') {
    const notes = codes.flatMap((c) => {
      const key = (Object.keys(ACK_NOTES) as AckNoteKey[]).find((k) => ACK_NOTES[k].code === c);
      return key ? [key] : [];
    });
    return acceptedAck(envelope, event, notes, now);
  }
  const spec: AckProblemSpec =
    Object.values(ACK_PROBLEMS).find((p) => p.code === codes[0]) ?? ACK_PROBLEMS.internal;
  return buildAck({
    envelope,
    event,
    code,
    reasons: [
      { code: spec.code, hl7: spec.hl7, hl7Text: spec.hl7Text, severity: 'E', text: errorDetail ?? spec.zh },
    ],
    ackControlId: newId(),
    now,
  });
}
