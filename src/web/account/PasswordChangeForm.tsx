import { CheckCircleFilled, ClockCircleOutlined, CloseCircleFilled, LockOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, type InputRef } from 'antd';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type PasswordPolicy,
  type PasswordPolicyProblem,
  type PasswordRule,
  passwordClasses,
  passwordShapeProblems,
} from '../../shared/credentials.js';
import { ApiError } from '../api.js';
import { useAuth } from '../auth.js';
import { describeError } from '../errors.js';
import { currentLanguage } from '../i18n/index.js';
import './account.css';

/** DJ-2's numbers, for when the account's own policy cannot be read (a must-change session). */
export const STAFF_POLICY_DEFAULTS: PasswordPolicy = {
  minLength: 8,
  minClasses: 3,
  maxAgeDays: 90,
  historyCount: 5,
};

type RuleState = 'met' | 'unmet' | 'pending' | 'failed';

interface Values {
  current: string;
  next: string;
  confirm: string;
}

const STATE_ICON: Record<RuleState, ReactNode> = {
  met: <CheckCircleFilled aria-hidden />,
  unmet: <CloseCircleFilled aria-hidden />,
  failed: <CloseCircleFilled aria-hidden />,
  pending: <ClockCircleOutlined aria-hidden />,
};

/** The rules a server refusal named (422 PASSWORD_POLICY), with its texts. */
function refusalOf(error: unknown): PasswordPolicyProblem | undefined {
  if (!(error instanceof ApiError) || error.code !== 'PASSWORD_POLICY') return undefined;
  const rules = error.extensions.rules;
  const messages = error.extensions.messages;
  return {
    rules: Array.isArray(rules) ? (rules as PasswordRule[]) : [],
    messages: Array.isArray(messages) ? (messages as PasswordPolicyProblem['messages']) : [],
  };
}

/**
 * DJ-2: change the password — the current one, the new one twice — with a live hint for each rule of the
 * policy as the new one is typed (length, classes; the common-password list and the history are checked
 * by the server on submit, and whichever rule it refused is then marked). Used by the forced change
 * page and the voluntary one in the staff console.
 */
export function PasswordChangeForm({
  policy = STAFF_POLICY_DEFAULTS,
  onChanged,
  autoFocus = false,
}: {
  policy?: PasswordPolicy;
  onChanged(): void;
  autoFocus?: boolean;
}) {
  const { t } = useTranslation();
  const { changePassword } = useAuth();
  const [form] = Form.useForm<Values>();
  const next = Form.useWatch('next', form) ?? '';
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<{ title: string; detail?: string } | null>(null);
  /** The last refusal and the new password it was about (marks stay until that password is edited). */
  const [refusal, setRefusal] = useState<{ next: string; problem: PasswordPolicyProblem } | null>(null);
  const first = useRef<InputRef>(null);

  useEffect(() => {
    if (autoFocus) first.current?.focus();
  }, [autoFocus]);

  const shape = passwordShapeProblems(next, policy);
  const refused = refusal && refusal.next === next ? refusal.problem.rules : [];
  const live = (rule: PasswordRule): RuleState => {
    if (refused.includes(rule)) return 'failed';
    if (!next) return 'unmet';
    return shape.includes(rule) ? 'unmet' : 'met';
  };
  const serverChecked = (rule: PasswordRule): RuleState => (refused.includes(rule) ? 'failed' : 'pending');

  const rules: { rule: PasswordRule; text: string; state: RuleState }[] = [
    {
      rule: 'too_short',
      text: t('accountSecurity.password.ruleLength', { min: policy.minLength }),
      state: live('too_short'),
    },
    {
      rule: 'too_few_classes',
      text: t('accountSecurity.password.ruleClasses', {
        min: policy.minClasses,
        count: passwordClasses(next),
      }),
      state: live('too_few_classes'),
    },
    { rule: 'common', text: t('accountSecurity.password.ruleCommon'), state: serverChecked('common') },
    {
      rule: 'reused',
      text: t('accountSecurity.password.ruleReused', { count: policy.historyCount }),
      state: serverChecked('reused'),
    },
  ];
  // The phone number is not known here (the profile holds it masked): shown once the server refused it.
  if (refused.includes('contains_phone')) {
    rules.push({ rule: 'contains_phone', text: t('accountSecurity.password.rulePhone'), state: 'failed' });
  }

  async function submit(values: Values) {
    setPending(true);
    setFailure(null);
    try {
      await changePassword({ current: values.current, next: values.next });
      setRefusal(null);
      onChanged();
    } catch (error) {
      const problem = refusalOf(error);
      if (problem) {
        setRefusal({ next: values.next, problem });
        const english = currentLanguage() !== 'zh-CN';
        const text = (m: PasswordPolicyProblem['messages'][number]) => (english ? m.en : m.zh);
        const wrongCurrent = problem.messages.find((m) => m.rule === 'wrong_current');
        if (wrongCurrent) {
          // The current password is the field at fault, not the new one.
          form.setFields([{ name: 'current', errors: [text(wrongCurrent)] }]);
          setFailure({ title: text(wrongCurrent) });
        } else {
          setFailure({
            title: t('accountSecurity.password.refused'),
            detail: problem.messages.map(text).join(' '),
          });
        }
      } else {
        setFailure(describeError(error, t));
      }
    } finally {
      setPending(false);
    }
  }

  const stateLabel: Record<RuleState, string> = {
    met: t('accountSecurity.password.ruleMet'),
    unmet: t('accountSecurity.password.ruleUnmet'),
    failed: t('accountSecurity.password.ruleUnmet'),
    pending: t('accountSecurity.password.rulePending'),
  };

  return (
    <Form
      form={form}
      layout="vertical"
      size="large"
      requiredMark={false}
      onFinish={submit}
      className="password-change-form"
      data-testid="password-change-form"
    >
      <Form.Item
        name="current"
        label={t('accountSecurity.password.current')}
        rules={[{ required: true, message: t('accountSecurity.password.currentRequired') }]}
      >
        <Input.Password
          ref={first}
          prefix={<LockOutlined aria-hidden />}
          placeholder={t('accountSecurity.password.currentPlaceholder')}
          autoComplete="current-password"
          data-testid="password-current"
        />
      </Form.Item>
      <Form.Item
        name="next"
        label={t('accountSecurity.password.next')}
        rules={[{ required: true, message: t('accountSecurity.password.nextRequired') }]}
      >
        <Input.Password
          prefix={<LockOutlined aria-hidden />}
          placeholder={t('accountSecurity.password.nextPlaceholder')}
          autoComplete="new-password"
          aria-describedby="password-rules"
          data-testid="password-next"
        />
      </Form.Item>
      <div className="password-rules" id="password-rules">
        <div className="password-rules__title">{t('accountSecurity.password.rulesTitle')}</div>
        <ul aria-live="polite" data-testid="password-rules">
          {rules.map(({ rule, text, state }) => (
            <li
              key={rule}
              className={`password-rule password-rule--${state}`}
              data-testid={`password-rule-${rule}`}
              data-state={state}
            >
              {STATE_ICON[state]}
              <span>{text}</span>
              <span className="visually-hidden">（{stateLabel[state]}）</span>
            </li>
          ))}
        </ul>
      </div>
      <Form.Item
        name="confirm"
        label={t('accountSecurity.password.confirm')}
        dependencies={['next']}
        rules={[
          { required: true, message: t('accountSecurity.password.confirmRequired') },
          ({ getFieldValue }) => ({
            validator: (_, value) =>
              !value || getFieldValue('next') === value
                ? Promise.resolve()
                : Promise.reject(new Error(t('accountSecurity.password.mismatch'))),
          }),
        ]}
      >
        <Input.Password
          prefix={<LockOutlined aria-hidden />}
          placeholder={t('accountSecurity.password.confirmPlaceholder')}
          autoComplete="new-password"
          data-testid="password-confirm"
        />
      </Form.Item>
      {failure && (
        <Alert
          className="password-change-form__alert"
          type="error"
          showIcon
          title={failure.title}
          description={failure.detail}
          data-testid="password-change-error"
        />
      )}
      <Button type="primary" htmlType="submit" block loading={pending} data-testid="password-submit">
        {t('accountSecurity.password.submit')}
      </Button>
    </Form>
  );
}
