/**
 * Teams, packages and contracts over HTTP ([12/12], FD-1, FD-2, FD-3): thin handlers, one service call
 * each; the services check access first (a contract is seen by its resident, their proxies and its team —
 * anyone else gets 404 CONTRACT_NOT_FOUND).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ContractAgreement,
  ContractCodeSent,
  ContractPage,
  ContractQuery,
  ContractView,
  CreateContractBody,
  CreatedContract,
  IdParams,
  MyFamilyDoctor,
  MyFamilyDoctorQuery,
  PackageBody,
  PackageList,
  PackageQuery,
  PackageView,
  RenewContractBody,
  SignContractBody,
  TeamBody,
  TeamCandidateList,
  TeamList,
  TeamQuery,
  TeamView,
  TerminateContractBody,
} from '../../../shared/family-doctor.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { problems } from '../../platform/http.js';
import { terminateContract } from './contract-end.js';
import { getAgreement, getContract, listContracts, myFamilyDoctor } from './contract-queries.js';
import { renewContract } from './contract-renew.js';
import { resendContractCode, signContract } from './contract-sign.js';
import { createContracts } from './contracts.service.js';
import { createPackage, listPackages, retirePackage, updatePackage } from './packages.service.js';
import { listTeams, saveTeam, teamCandidates } from './teams.service.js';

const TAGS = ['family-doctor'];
const READERS = ['patient', 'doctor', 'nurse', 'org_admin'] as const;
const CONTRACT_READERS = ['patient', 'doctor', 'nurse'] as const;
const PARTIES = '签约居民本人、其家庭成员代理人（ID-6）和签约团队成员可见；其他人 404 CONTRACT_NOT_FOUND。';

export function contractsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    // --- Teams (FD-1)
    app.get('/family-doctor/teams', {
      config: { access: READERS },
      schema: {
        tags: TAGS,
        summary: '家庭医生团队（团队长、成员、在约人数、是否已满）',
        description:
          '指定 institutionId 时为该机构的团队；不指定时居民看全区团队，医护和机构管理员（或 mine=true）看本机构团队。',
        querystring: TeamQuery,
        response: { 200: TeamList, ...problems(400, 401, 403) },
      },
      handler: async (req) => listTeams(ctx, authOf(req), req.query),
    });

    app.get('/family-doctor/teams/candidates', {
      config: { access: ['org_admin'] },
      schema: {
        tags: TAGS,
        summary: '可加入本机构团队的人员：本机构在岗医生和护士，医联体医院的医生（专科医生）',
        response: { 200: TeamCandidateList, ...problems(401, 403) },
      },
      handler: async (req) => teamCandidates(ctx, authOf(req)),
    });

    app.post('/family-doctor/teams', {
      config: { access: ['org_admin'] },
      schema: {
        tags: TAGS,
        summary: '新建本机构的家庭医生团队',
        description:
          '团队长须为本机构医生；成员须为本机构医生或护士，专科医生可来自本医联体医院（422 TEAM_MEMBER_INVALID）；同名 409 TEAM_NAME_TAKEN。',
        body: TeamBody,
        response: { 201: TeamView, ...problems(400, 401, 403, 409, 422) },
      },
      handler: async (req, reply) =>
        reply.code(201).send(await saveTeam(ctx, authOf(req), req.body, actorOf(req))),
    });

    app.put('/family-doctor/teams/:id', {
      config: { access: ['org_admin'] },
      schema: {
        tags: TAGS,
        summary: '修改本机构的家庭医生团队（名称、简介、容量、成员）',
        params: IdParams,
        body: TeamBody,
        response: { 200: TeamView, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req) => saveTeam(ctx, authOf(req), req.body, actorOf(req), req.params.id),
    });

    // --- Packages (FD-2, FD-3)
    app.get('/family-doctor/packages', {
      config: { access: READERS },
      schema: {
        tags: TAGS,
        summary: '服务包：区统一服务包和机构自有服务包；带 patientId 时标明该居民是否符合条件（FD-2）',
        querystring: PackageQuery,
        response: { 200: PackageList, ...problems(400, 401, 403) },
      },
      handler: async (req) => listPackages(ctx, authOf(req), req.query),
    });

    app.post('/family-doctor/packages', {
      config: { access: ['org_admin'] },
      schema: {
        tags: TAGS,
        summary: '新建本机构的服务包（服务费 = 医保 + 公卫 + 居民个人，FD-3）',
        body: PackageBody,
        response: { 201: PackageView, ...problems(400, 401, 403, 409, 422) },
      },
      handler: async (req, reply) =>
        reply.code(201).send(await createPackage(ctx, authOf(req), req.body, actorOf(req))),
    });

    app.put('/family-doctor/packages/:id', {
      config: { access: ['org_admin'] },
      schema: {
        tags: TAGS,
        summary: '修改本机构的服务包（已签约的协议按签约时价格执行）',
        params: IdParams,
        body: PackageBody,
        response: { 200: PackageView, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req) => updatePackage(ctx, authOf(req), req.params.id, req.body, actorOf(req)),
    });

    app.post('/family-doctor/packages/:id/retire', {
      config: { access: ['org_admin'] },
      schema: {
        tags: TAGS,
        summary: '停售本机构的服务包',
        params: IdParams,
        response: { 200: PackageView, ...problems(400, 401, 403, 404) },
      },
      handler: async (req) => retirePackage(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    // --- Contracts (FD-1, FD-3)
    app.post('/family-doctor/contracts', {
      config: { access: ['patient'] },
      schema: {
        tags: TAGS,
        summary: '签约家庭医生团队（本人和/或家庭成员，1、2 或 3 年）',
        description:
          '须且只能选一个基础包，服务包须符合条件（422 PACKAGE_INVALID / PACKAGE_NOT_ELIGIBLE），每人每年不低于 100 元（422 CONTRACT_FEE_TOO_LOW，FD-3）；已有签约 409 CONTRACT_ALREADY_ACTIVE（FD-1）；团队已满 409 TEAM_FULL。返回协议文本，并向签约人手机发送短信验证码；居民个人部分大于 0 时返回支付订单。',
        body: CreateContractBody,
        response: { 201: CreatedContract, ...problems(400, 401, 403, 404, 409, 422, 429) },
      },
      handler: async (req, reply) =>
        reply.code(201).send(await createContracts(ctx, authOf(req), req.body, actorOf(req))),
    });

    app.get('/family-doctor/contracts', {
      config: { access: CONTRACT_READERS },
      schema: {
        tags: TAGS,
        summary: '签约列表：居民看本人和家庭成员的；医护看本团队的签约居民（可按状态、人群、姓名或拼音筛选）',
        querystring: ContractQuery,
        response: { 200: ContractPage, ...problems(400, 401, 403) },
      },
      handler: async (req) => listContracts(ctx, authOf(req), req.query, actorOf(req)),
    });

    app.get('/family-doctor/contracts/:id', {
      config: { access: CONTRACT_READERS },
      schema: {
        tags: TAGS,
        summary: '签约详情',
        description: PARTIES,
        params: IdParams,
        response: { 200: ContractView, ...problems(401, 403, 404) },
      },
      handler: async (req) => getContract(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    app.get('/family-doctor/contracts/:id/agreement', {
      config: { access: CONTRACT_READERS },
      schema: {
        tags: TAGS,
        summary: '签约协议文本及其 SM3 摘要',
        description: PARTIES,
        params: IdParams,
        response: { 200: ContractAgreement, ...problems(401, 403, 404) },
      },
      handler: async (req) => getAgreement(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    app.post('/family-doctor/contracts/:id/sign', {
      config: { access: ['patient'] },
      schema: {
        tags: TAGS,
        summary: '以短信验证码确认签约协议（同批签约的家庭成员一并确认）',
        description:
          '验证码错误 422 INVALID_OTP，过期 422 OTP_EXPIRED；确认后待支付，无需支付（或已支付）时生效或待生效（续约）。',
        params: IdParams,
        body: SignContractBody,
        response: { 200: ContractView, ...problems(400, 401, 403, 404, 409, 422) },
      },
      handler: async (req) => signContract(ctx, authOf(req), req.params.id, req.body.code, actorOf(req)),
    });

    app.post('/family-doctor/contracts/:id/code', {
      config: { access: ['patient'] },
      schema: {
        tags: TAGS,
        summary: '重新向签约人手机发送签约验证码',
        params: IdParams,
        response: { 200: ContractCodeSent, ...problems(401, 403, 404, 409, 429) },
      },
      handler: async (req) => resendContractCode(ctx, authOf(req), req.params.id, actorOf(req)),
    });

    app.post('/family-doctor/contracts/:id/renew', {
      config: { access: ['patient'] },
      schema: {
        tags: TAGS,
        summary: '续约（可同时更换团队）',
        description:
          '在协议到期前的续约期内办理（409 RENEWAL_NOT_OPEN），新协议自到期次日起；续约期外更换团队 409 CONTRACT_SWITCH_NOT_ALLOWED（按政策签约满规定月数后可提前更换，自当日起）。',
        params: IdParams,
        body: RenewContractBody,
        response: { 201: CreatedContract, ...problems(400, 401, 403, 404, 409, 422, 429) },
      },
      handler: async (req, reply) =>
        reply.code(201).send(await renewContract(ctx, authOf(req), req.params.id, req.body, actorOf(req))),
    });

    app.post('/family-doctor/contracts/:id/terminate', {
      config: { access: ['patient', 'doctor'] },
      schema: {
        tags: TAGS,
        summary: '取消或解除签约',
        description:
          '待签名/待支付：居民（或代理人）取消，同批签约一并取消、订单关闭；生效中或待生效：居民（或代理人）或团队长解除，退还尚未开始的整年度个人支付部分。',
        params: IdParams,
        body: TerminateContractBody,
        response: { 200: ContractView, ...problems(400, 401, 403, 404, 409) },
      },
      handler: async (req) =>
        terminateContract(ctx, authOf(req), req.params.id, req.body.reason, actorOf(req)),
    });

    app.get('/family-doctor/me', {
      config: { access: ['patient'] },
      schema: {
        tags: TAGS,
        summary: '我的家庭医生：当前签约、续约、团队、随访计划、下次随访、最近读数、未读文章',
        querystring: MyFamilyDoctorQuery,
        response: { 200: MyFamilyDoctor, ...problems(400, 401, 403) },
      },
      handler: async (req) => myFamilyDoctor(ctx, authOf(req), req.query, actorOf(req)),
    });
  };
}
