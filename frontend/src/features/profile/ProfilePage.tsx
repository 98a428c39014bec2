import { useEffect } from 'react';
import { Alert, App, Button, Card, Form, Select, TimePicker } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../gql';
import { ErrorState, PageLoading } from '../../components/QueryState';
import { useFieldErrors } from '../../hooks/fieldErrors';
import { useI18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/messages';

const ProfileDocument = graphql(`
  query MyVolunteerProfile {
    me {
      id
      volunteerProfile {
        homeCommunity {
          id
          name
        }
        skills
        languages
        availability {
          weekday
          start
          end
        }
      }
    }
    regions(level: community) {
      id
      name
    }
  }
`);

const ProfileUpdateDocument = graphql(`
  mutation VolunteerProfileUpdate(
    $homeCommunityId: ID
    $skills: [String!]
    $languages: [String!]
    $availability: [AvailabilitySlotInput!]
  ) {
    volunteerProfileUpdate(
      homeCommunityId: $homeCommunityId
      skills: $skills
      languages: $languages
      availability: $availability
    ) {
      profile {
        skills
        languages
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

interface Slot {
  weekday: number;
  start: Dayjs;
  end: Dayjs;
}

interface ProfileValues {
  homeCommunityId?: string;
  skills: string[];
  languages: string[];
  availability: Slot[];
}

const minutesToTime = (m: number) => dayjs().startOf('day').add(m, 'minute');
const timeToMinutes = (d: Dayjs) => d.hour() * 60 + d.minute();

/** A volunteer's own profile: home community, skills, languages, weekly availability. */
export function ProfilePage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<ProfileValues>();
  const errors = useFieldErrors(form, { known: ['homeCommunityId', 'skills', 'languages', 'availability'] });
  const [{ data, fetching, error }, refetch] = useQuery({ query: ProfileDocument });
  const [{ fetching: saving }, update] = useMutation(ProfileUpdateDocument);
  const profile = data?.me?.volunteerProfile;

  useEffect(() => {
    if (!profile) return;
    form.setFieldsValue({
      homeCommunityId: profile.homeCommunity.id,
      skills: profile.skills,
      languages: profile.languages,
      availability: profile.availability.map((s) => ({
        weekday: s.weekday,
        start: minutesToTime(s.start),
        end: minutesToTime(s.end),
      })),
    });
  }, [profile, form]);

  if (error) return <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <PageLoading />;

  async function onFinish(values: ProfileValues) {
    errors.clear();
    const result = await update({
      homeCommunityId: values.homeCommunityId ?? null,
      skills: values.skills ?? [],
      languages: values.languages ?? [],
      availability: (values.availability ?? []).map((s) => ({
        weekday: s.weekday,
        start: timeToMinutes(s.start),
        end: timeToMinutes(s.end),
      })),
    });
    if (result.error) {
      errors.applyCombined(result.error, t('app.networkError'));
      return;
    }
    if (!errors.apply(result.data?.volunteerProfileUpdate?.errors)) {
      message.success(t('profile.saved'));
      refetch({ requestPolicy: 'network-only' });
    }
  }

  return (
    <Card title={t('profile.title')} style={{ maxWidth: 720 }}>
      {!profile && <Alert type="info" showIcon message={t('profile.notVolunteer')} style={{ marginBottom: 16 }} />}
      {errors.formErrors.length > 0 && (
        <Alert type="error" role="alert" showIcon message={errors.formErrors.join(' ')} style={{ marginBottom: 16 }} />
      )}
      <Form<ProfileValues> form={form} layout="vertical" onFinish={onFinish} name="volunteer-profile" disabled={!profile}>
        <Form.Item name="homeCommunityId" label={t('profile.homeCommunity')}>
          <Select
            showSearch
            optionFilterProp="label"
            options={(data?.regions ?? []).map((r) => ({ value: r.id, label: r.name }))}
          />
        </Form.Item>
        <Form.Item name="skills" label={t('profile.skills')}>
          <Select mode="tags" tokenSeparators={[',', '，']} />
        </Form.Item>
        <Form.Item name="languages" label={t('profile.languages')}>
          <Select mode="tags" tokenSeparators={[',', '，']} />
        </Form.Item>
        <Form.Item label={t('profile.availability')}>
          <Form.List name="availability">
            {(fields, { add, remove }) => (
              <div>
                {fields.map((field) => (
                  <div key={field.key} className="slot-row">
                    <Form.Item name={[field.name, 'weekday']} rules={[{ required: true, message: t('auth.required') }]}>
                      <Select
                        aria-label={t('profile.weekday')}
                        options={[0, 1, 2, 3, 4, 5, 6].map((d) => ({ value: d, label: t(`weekday.${d}` as MessageKey) }))}
                      />
                    </Form.Item>
                    <Form.Item name={[field.name, 'start']} rules={[{ required: true, message: t('auth.required') }]}>
                      <TimePicker aria-label={t('profile.start')} format="HH:mm" minuteStep={15} style={{ width: '100%' }} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'end']} rules={[{ required: true, message: t('auth.required') }]}>
                      <TimePicker aria-label={t('profile.end')} format="HH:mm" minuteStep={15} style={{ width: '100%' }} />
                    </Form.Item>
                    <Button aria-label={t('profile.removeSlot')} icon={<DeleteOutlined />} onClick={() => remove(field.name)} />
                  </div>
                ))}
                <Button icon={<PlusOutlined />} onClick={() => add({ weekday: 5, start: minutesToTime(540), end: minutesToTime(720) })}>
                  {t('profile.addSlot')}
                </Button>
              </div>
            )}
          </Form.List>
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={saving}>
          {t('app.save')}
        </Button>
      </Form>
    </Card>
  );
}
