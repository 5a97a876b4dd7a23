import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Col, Form, Input, InputNumber, Modal, Row, Select, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TEAM_ROLES, type TeamView } from '../../../../shared/family-doctor.js';
import { post, put } from '../../../api.js';
import { errorText } from '../../../errors.js';
import { defaultRole, type TeamFormValues, teamBody, teamFormValues } from './forms.js';
import { useTeamCandidates } from './useTeamCandidates.js';

const MEMBER_ROLES = TEAM_ROLES.filter((r) => r !== 'lead');

/**
 * 新建 / 编辑团队: name, introduction, capacity, a GP of the institution as lead, and the other members with
 * their roles. A refusal (a lead who is not a GP, a member of another institution…) stays in the dialog.
 */
export function TeamFormModal({
  open,
  team,
  institutionId,
  teams,
  onClose,
  onDone,
}: {
  open: boolean;
  /** The team edited; undefined: a new one. */
  team: TeamView | undefined;
  institutionId: string;
  teams: readonly TeamView[];
  onClose(): void;
  onDone(): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<TeamFormValues>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const candidates = useTeamCandidates(open, teams);
  const leadId = Form.useWatch('leadPractitionerId', form);

  useEffect(() => {
    if (!open) return;
    setFailure(undefined);
    form.resetFields();
    if (team) form.setFieldsValue(teamFormValues(team));
  }, [open, team, form]);

  const byId = new Map(candidates.items.map((c) => [c.practitionerId, c]));
  const optionLabel = (id: string) => {
    const c = byId.get(id);
    if (!c) return id;
    const kind = c.kind === 'nurse' || c.kind === 'doctor' ? t(`fdAdmin.kind.${c.kind}`) : c.kind;
    // The institution is named only for someone from elsewhere (a specialist of the alliance hospital).
    const elsewhere = c.institutionId !== institutionId ? c.institutionName : '';
    return [c.name, kind, c.professionalTitle, elsewhere].filter(Boolean).join(' · ');
  };
  // The lead: a doctor of this institution (FD-1 teams are led by a general practitioner).
  const leadOptions = candidates.items
    .filter((c) => c.kind === 'doctor' && (c.institutionId === institutionId || c.institutionId === ''))
    .map((c) => ({ value: c.practitionerId, label: optionLabel(c.practitionerId) }));
  const memberOptions = candidates.items
    .filter((c) => c.practitionerId !== leadId)
    .map((c) => ({ value: c.practitionerId, label: optionLabel(c.practitionerId) }));

  async function submit() {
    let values: TeamFormValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setFailure(undefined);
    try {
      const body = teamBody(values);
      if (team) await put(`/family-doctor/teams/${team.id}`, body);
      else await post('/family-doctor/teams', body);
      message.success(
        t(team ? 'fdAdmin.teams.form.saved' : 'fdAdmin.teams.form.created', { name: body.name }),
      );
      onDone();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  const required = { required: true, message: t('fdAdmin.common.required') };

  return (
    <Modal
      open={open}
      width={760}
      title={
        team ? t('fdAdmin.teams.form.editTitle', { name: team.name }) : t('fdAdmin.teams.form.createTitle')
      }
      okText={t('fdAdmin.common.save')}
      okButtonProps={{ loading: busy, 'data-testid': 'fd-team-submit' }}
      cancelText={t('common.cancel')}
      onOk={submit}
      onCancel={onClose}
      destroyOnHidden
    >
      {candidates.error !== undefined && (
        <Alert className="rec-page-alert" type="error" showIcon title={errorText(candidates.error, t)} />
      )}
      <Form<TeamFormValues>
        form={form}
        name="fd-team"
        layout="vertical"
        preserve={false}
        initialValues={{ capacity: 1000, members: [] }}
      >
        <Row gutter={16}>
          <Col xs={24} sm={16}>
            <Form.Item
              name="name"
              label={t('fdAdmin.teams.form.name')}
              rules={[
                required,
                { min: 2, max: 40, whitespace: true, message: t('fdAdmin.teams.form.nameInvalid') },
              ]}
            >
              <Input
                maxLength={40}
                placeholder={t('fdAdmin.teams.form.namePlaceholder')}
                data-testid="fd-team-name"
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={8}>
            <Form.Item
              name="capacity"
              label={t('fdAdmin.teams.form.capacity')}
              tooltip={t('fdAdmin.teams.form.capacityHint')}
              rules={[required]}
            >
              <InputNumber<number>
                min={1}
                max={10_000}
                precision={0}
                className="fda-number"
                data-testid="fd-team-capacity"
              />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="intro" label={t('fdAdmin.teams.form.intro')}>
              <Input.TextArea
                maxLength={500}
                showCount
                autoSize={{ minRows: 2, maxRows: 4 }}
                placeholder={t('fdAdmin.teams.form.introPlaceholder')}
                data-testid="fd-team-intro"
              />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item
              name="leadPractitionerId"
              label={t('fdAdmin.teams.form.lead')}
              extra={t('fdAdmin.teams.form.leadHint')}
              rules={[{ required: true, message: t('fdAdmin.teams.form.chooseLead') }]}
            >
              <Select
                showSearch={{ optionFilterProp: 'label' }}
                placeholder={t('fdAdmin.teams.form.chooseLead')}
                loading={candidates.loading}
                options={leadOptions}
                data-testid="fd-team-lead"
              />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Title level={3} className="fda-form-title">
          {t('fdAdmin.teams.form.members')}
        </Typography.Title>
        <Form.List name="members">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, index) => (
                <Row gutter={8} key={field.key} align="top" data-testid="fd-team-member">
                  <Col flex="auto">
                    <Form.Item
                      name={[field.name, 'practitionerId']}
                      label={t('fdAdmin.teams.form.member', { index: index + 1 })}
                      rules={[
                        { required: true, message: t('fdAdmin.teams.form.chooseMember') },
                        {
                          validator: async (_, value?: string) => {
                            if (!value) return;
                            if (value === form.getFieldValue('leadPractitionerId'))
                              throw new Error(t('fdAdmin.teams.form.leadInMembers'));
                            const all: NonNullable<TeamFormValues['members']> =
                              form.getFieldValue('members') ?? [];
                            if (all.filter((m) => m?.practitionerId === value).length > 1)
                              throw new Error(t('fdAdmin.teams.form.duplicate'));
                          },
                        },
                      ]}
                    >
                      <Select
                        showSearch={{ optionFilterProp: 'label' }}
                        placeholder={t('fdAdmin.teams.form.chooseMember')}
                        loading={candidates.loading}
                        options={memberOptions}
                        onChange={(value: string) =>
                          form.setFieldValue(
                            ['members', field.name, 'role'],
                            defaultRole(byId.get(value), institutionId),
                          )
                        }
                      />
                    </Form.Item>
                  </Col>
                  <Col flex="180px">
                    <Form.Item
                      name={[field.name, 'role']}
                      label={t('fdAdmin.teams.form.memberRole', { index: index + 1 })}
                      rules={[{ required: true, message: t('fdAdmin.teams.form.chooseRole') }]}
                    >
                      <Select
                        placeholder={t('fdAdmin.teams.form.chooseRole')}
                        options={MEMBER_ROLES.map((r) => ({ value: r, label: t(`fdAdmin.role.${r}`) }))}
                      />
                    </Form.Item>
                  </Col>
                  <Col flex="40px" className="fda-remove">
                    <Button
                      type="text"
                      danger
                      icon={<DeleteOutlined aria-hidden />}
                      aria-label={t('fdAdmin.teams.form.removeMember', { index: index + 1 })}
                      onClick={() => remove(field.name)}
                    />
                  </Col>
                </Row>
              ))}
              <Button
                type="dashed"
                block
                icon={<PlusOutlined aria-hidden />}
                onClick={() => add({})}
                data-testid="fd-team-add-member"
              >
                {t('fdAdmin.teams.form.addMember')}
              </Button>
            </>
          )}
        </Form.List>
      </Form>
      {failure !== undefined && (
        <Alert className="fda-failure" type="error" showIcon title={errorText(failure, t)} />
      )}
    </Modal>
  );
}
