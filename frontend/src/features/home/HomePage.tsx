import { Alert, Card, Col, Row, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useMe } from '../../auth/MeProvider';
import { useI18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/messages';
import { sectionsFor } from '../../shell/sections';

/** Home: who I am here (roles and where they apply) and a card per section with its screens. */
export function HomePage() {
  const { t } = useI18n();
  const { me } = useMe();
  if (!me) return null;
  const sections = sectionsFor(me.roles, me.isSuperuser, undefined, (me.memberOrganisationIds ?? []).length > 0);
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <div>
        <Typography.Title level={3} className="page-title">
          {t('shell.welcome', { name: me.displayName })}
        </Typography.Title>
        <Typography.Text type="secondary">{t('app.tagline')}</Typography.Text>
      </div>
      <Card title={t('shell.roles')} size="small">
        {me.roles.length === 0 && !me.isSuperuser ? (
          <Alert type="info" showIcon message={t('shell.noRoles')} />
        ) : (
          <Space wrap>
            {me.isSuperuser && <Tag color="red">superuser</Tag>}
            {me.roles.map((g) => (
              <Tag key={`${g.role}-${g.region.id}`} color="volcano">
                {t(`role.${g.role}` as MessageKey)} · {g.region.name}
              </Tag>
            ))}
          </Space>
        )}
      </Card>
      <Row gutter={[16, 16]}>
        {sections.map((section) => (
          <Col xs={24} sm={12} xl={8} key={section.key}>
            <Card title={t(section.label)} size="small" style={{ height: '100%' }}>
              <Space direction="vertical">
                {section.screens.map((screen) =>
                  screen.external ? (
                    <a key={screen.path} href={screen.path} target="_blank" rel="noreferrer">
                      {t(screen.label)}
                    </a>
                  ) : (
                    <Link key={screen.path} to={screen.path}>
                      {t(screen.label)}
                    </Link>
                  ),
                )}
              </Space>
            </Card>
          </Col>
        ))}
      </Row>
    </Space>
  );
}
