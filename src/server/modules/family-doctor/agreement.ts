/**
 * The family-doctor service agreement (家庭医生签约服务协议, FD-1…FD-3) as the resident or their proxy reads it
 * before confirming by SMS code: the parties (the resident with their ID number masked, DJ-10; the team,
 * its lead and institution), the packages and their services, the term, and the fee with its split. The
 * text is stored on the contract with its SM3 hash, so what was signed can be shown and checked later.
 */
import { sm3Hex } from '../../platform/crypto/hash.js';
import { type Split, yuan } from './contract.rules.js';

export interface AgreementFacts {
  contractNo: string;
  residentName: string;
  /** Masked (110101********0463), or null when none is on file. */
  residentIdMasked: string | null;
  signerName: string;
  /** The signer is the resident, or their family proxy (亲情账户, ID-6). */
  signerIsProxy: boolean;
  teamName: string;
  leadName: string;
  institutionName: string;
  packages: readonly (Split & { name: string; services: readonly string[] })[];
  years: number;
  startsOn: string;
  endsOn: string;
  /** The whole term's totals (FD-3). */
  totals: Split;
  /** A renewal or switch names the contract it follows. */
  previousContractNo: string | null;
}

const day = (d: string) => {
  const [y, m, dd] = d.split('-');
  return `${y} 年 ${Number(m)} 月 ${Number(dd)} 日`;
};

/** The agreement's text (zh-CN: the signed document). */
export function agreementText(f: AgreementFacts): string {
  const lines = [
    '家庭医生签约服务协议',
    `协议编号：${f.contractNo}`,
    '',
    `甲方（签约居民）：${f.residentName}${f.residentIdMasked ? `，身份证号 ${f.residentIdMasked}` : ''}`,
    `乙方（家庭医生团队）：${f.institutionName} ${f.teamName}，团队长 ${f.leadName}`,
    f.signerIsProxy
      ? `代签人：${f.signerName}（甲方的家庭成员代理人，代甲方签约）`
      : `签约人：${f.signerName}（本人）`,
    '',
    `一、服务期限：${f.years} 年，自 ${day(f.startsOn)} 起至 ${day(f.endsOn)} 止。${
      f.previousContractNo ? `本协议续接协议 ${f.previousContractNo}。` : ''
    }`,
    '二、服务内容：',
    ...f.packages.map(
      (p, i) => `  ${i + 1}. ${p.name}（每人每年 ${yuan(p.feeFen)} 元）：${p.services.join('；')}。`,
    ),
    `三、服务费用：本协议期内服务费共 ${yuan(f.totals.feeFen)} 元，其中医保基金支付 ${yuan(
      f.totals.insuranceFen,
    )} 元、基本公共卫生服务经费支付 ${yuan(f.totals.publicHealthFen)} 元、甲方个人支付 ${yuan(
      f.totals.residentFen,
    )} 元。个人支付部分在线支付后协议生效。`,
    '四、甲方同一时间只能与一个家庭医生团队签约；到期前可在续约期内续约或更换团队，提前解约时退还尚未开始的整年度个人支付部分。',
    '五、乙方团队成员在协议有效期内可查阅甲方的健康档案，用于提供签约服务；甲方可随时查看查阅记录。',
    '六、本协议经甲方（或代签人）以短信验证码确认后成立。',
  ];
  return lines.join('\n');
}

/** SM3 of the text as stored (hex), for checking a shown agreement against the signed one. */
export const agreementHash = (text: string) => sm3Hex(text);
