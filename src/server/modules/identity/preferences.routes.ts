/** GET/PUT /me/preferences ([8/12]): 长辈模式 and the current 就诊人, per account. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Preferences, PreferencesBody } from '../../../shared/identity.js';
import { actorOf, authOf } from '../../platform/auth/access.js';
import type { AppContext } from '../../platform/context.js';
import { problems } from '../../platform/http.js';
import { getPreferences, setPreferences } from './preferences.service.js';

export function preferenceRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/me/preferences', {
      config: { access: ['patient'] },
      schema: {
        tags: ['identity'],
        summary: '我的偏好（长辈模式、当前就诊人）',
        description:
          '按账户保存，换手机或重新登录后不变。未回答过“是否开启长辈模式？”时，年满 65 岁（按实名认证的出生日期）为开启，且 askElderlyMode 为 true（首页询问一次）。当前就诊人的代理已解除时返回 null（本人）。',
        response: { 200: Preferences, ...problems(401, 403) },
      },
      handler: async (req) => getPreferences(ctx, authOf(req)),
    });

    app.put('/me/preferences', {
      config: { access: ['patient'] },
      schema: {
        tags: ['identity'],
        summary: '修改我的偏好',
        description:
          '只改请求中给出的项。elderlyMode 记为账户持有人的回答，此后不再询问。currentPatientId 为 null 或本人为本人；其他就诊人须为已生效的代理（ID-6），否则 NOT_YOUR_PATIENT。',
        body: PreferencesBody,
        response: { 200: Preferences, ...problems(400, 401, 403) },
      },
      handler: async (req) => setPreferences(ctx, authOf(req), req.body, actorOf(req)),
    });
  };
}
