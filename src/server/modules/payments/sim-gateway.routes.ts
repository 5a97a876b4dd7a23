import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors } from '../../platform/errors.js';
import type { SimGateway } from './sim-gateway.js';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const yuan = (fen: number) => (fen / 100).toFixed(2);

/**
 * The simulated gateway's own pages (demo mode and tests only): the cashier a patient confirms on, and
 * the confirm call its button makes. It is "outside" the platform; the platform learns of the payment
 * only from the signed notification (or by querying). The cashier is in the gateway's tables, so any
 * API node serves it ([9/12]).
 */
export function simGatewayRoutes(sim: SimGateway): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/sim-gateway/cashier/:prepayId', {
      config: { access: 'public' },
      schema: { hide: true, params: Type.Object({ prepayId: Type.String({ maxLength: 80 }) }) },
      handler: async (req, reply) => {
        const order = await sim.cashier(req.params.prepayId);
        if (!order) throw errors.notFound('支付单');
        const id = escapeHtml(req.params.prepayId);
        const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>模拟收银台</title><style>body{margin:0;font-family:system-ui,'Noto Sans CJK SC',sans-serif;background:#f2f4f5;color:#1f2d2d}
.card{max-width:420px;margin:48px auto;background:#fff;border-radius:16px;padding:28px;box-shadow:0 8px 24px #0001;text-align:center}
.tag{display:inline-block;background:#fff4e5;color:#8a4a00;border-radius:6px;padding:2px 8px;font-size:13px}
.amount{font-size:40px;font-weight:700;margin:18px 0 6px}.desc{color:#667;margin-bottom:24px}
button{width:100%;border:0;border-radius:10px;background:#0c7a7c;color:#fff;font-size:18px;padding:14px;cursor:pointer}
#result{margin-top:16px;min-height:24px}</style></head><body><div class="card">
<span class="tag">模拟支付网关 · 仅演示与测试环境</span><div class="amount">¥${yuan(order.amountFen)}</div>
<div class="desc">${escapeHtml(order.description)}</div>
<button data-testid="sim-confirm" id="pay">确认支付</button><div id="result" data-testid="sim-result"></div></div>
<script src="/sim-gateway/cashier.js" data-prepay="${id}"></script></body></html>`;
        return reply
          .header('content-type', 'text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(html);
      },
    });

    app.get('/sim-gateway/cashier.js', {
      config: { access: 'public' },
      schema: { hide: true },
      handler: async (_req, reply) =>
        reply
          .header('content-type', 'text/javascript; charset=utf-8')
          .send(`(function(){var s=document.currentScript,id=s.getAttribute('data-prepay');
document.getElementById('pay').addEventListener('click',function(){var b=this;b.disabled=true;
fetch('/sim-gateway/cashier/'+id+'/confirm',{method:'POST'}).then(function(r){return r.json()}).then(function(j){
document.getElementById('result').textContent=j.status==='paid'||j.status==='already_paid'?'支付成功，正在返回…':'支付失败：'+j.status;
if(j.status==='paid'||j.status==='already_paid'){setTimeout(function(){history.length>1?history.back():location.assign('/patient/appointments')},800)}else{b.disabled=false}})})})();`),
    });

    app.post('/sim-gateway/cashier/:prepayId/confirm', {
      config: { access: 'public' },
      schema: {
        hide: true,
        params: Type.Object({ prepayId: Type.String({ maxLength: 80 }) }),
        response: { 200: Type.Object({ status: Type.String() }) },
      },
      handler: async (req) => ({ status: await sim.confirm(req.params.prepayId) }),
    });
  };
}
