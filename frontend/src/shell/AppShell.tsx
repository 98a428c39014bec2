import { useMemo, useState } from 'react';
import { Button, Drawer, Dropdown, Grid, Layout, Menu, Space, Typography, type MenuProps } from 'antd';
import {
  AppstoreOutlined,
  BankOutlined,
  GiftOutlined,
  HeartOutlined,
  HomeOutlined,
  LogoutOutlined,
  MenuOutlined,
  SettingOutlined,
  SolutionOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useMe } from '../auth/MeProvider';
import { useSession } from '../auth/SessionProvider';
import { NotificationBell } from '../features/notifications/NotificationBell';
import { LanguageSwitch } from '../i18n/LanguageSwitch';
import { useI18n } from '../i18n/I18nProvider';
import { sectionsFor, type SectionKey } from './sections';

const SECTION_ICONS: Record<SectionKey, React.ReactNode> = {
  donor: <GiftOutlined />,
  volunteer: <HeartOutlined />,
  socialWorker: <TeamOutlined />,
  workstation: <BankOutlined />,
  foundation: <AppstoreOutlined />,
  organisation: <SolutionOutlined />,
  admin: <SettingOutlined />,
};

/** The signed-in frame: header (menu on phones, language, bell, account), role-aware menu, the page. */
export function AppShell() {
  const { t } = useI18n();
  const { me } = useMe();
  const session = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const wide = screens.lg ?? false;
  const [drawerOpen, setDrawerOpen] = useState(false);

  const sections = useMemo(
    () => sectionsFor(me?.roles ?? [], me?.isSuperuser ?? false, undefined, (me?.memberOrganisationIds ?? []).length > 0),
    [me],
  );

  const items: MenuProps['items'] = useMemo(
    () => [
      { key: '/', icon: <HomeOutlined />, label: t('shell.home') },
      ...sections.map((section) => ({
        key: `section:${section.key}`,
        icon: SECTION_ICONS[section.key],
        label: t(section.label),
        children: section.screens.map((screen) => ({
          // a screen may sit in two sections (e.g. open needs for donors and volunteers): keys stay unique
          key: screen.external ? `external:${screen.path}` : `screen:${section.key}:${screen.path}`,
          label: screen.external ? (
            <a href={screen.path} target="_blank" rel="noreferrer">
              {t(screen.label)}
            </a>
          ) : (
            t(screen.label)
          ),
        })),
      })),
    ],
    [sections, t],
  );

  // the menu item whose path is the longest prefix of the current location
  const selected = useMemo(() => {
    if (location.pathname === '/') return ['/'];
    const paths = sections.flatMap((s) => s.screens.filter((x) => !x.external).map((x) => x.path));
    const best = paths.filter((p) => location.pathname.startsWith(p)).sort((a, b) => b.length - a.length)[0];
    return sections.flatMap((s) => s.screens.filter((x) => !x.external && x.path === best).map((x) => `screen:${s.key}:${x.path}`));
  }, [sections, location.pathname]);

  const menu = (
    <Menu
      mode="inline"
      aria-label={t('shell.menu')}
      items={items}
      selectedKeys={selected}
      defaultOpenKeys={sections.map((s) => `section:${s.key}`)}
      onClick={({ key }) => {
        if (key.startsWith('external:')) return;
        navigate(key.startsWith('screen:') ? key.slice(key.indexOf(':', 'screen:'.length) + 1) : key);
        setDrawerOpen(false);
      }}
      style={{ borderInlineEnd: 'none' }}
    />
  );

  const accountMenu: MenuProps = {
    items: [
      { key: 'email', label: me?.email ?? '', disabled: true },
      { type: 'divider' },
      { key: 'logout', icon: <LogoutOutlined />, label: t('auth.logout') },
    ],
    onClick: async ({ key }) => {
      if (key === 'logout') {
        await session.logout();
        navigate('/login', { replace: true });
      }
    },
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header className="app-header">
        <Space size={8} align="center">
          {!wide && (
            <Button
              type="text"
              aria-label={t('shell.menu')}
              icon={<MenuOutlined style={{ color: '#fff' }} />}
              onClick={() => setDrawerOpen(true)}
            />
          )}
          <a href="/" onClick={(e) => { e.preventDefault(); navigate('/'); }} className="app-brand" aria-label={t('app.name')}>
            <span className="app-logo" aria-hidden="true">
              互
            </span>
            {t('app.name')}
          </a>
        </Space>
        <Space size={wide ? 16 : 4} align="center">
          <LanguageSwitch size="small" />
          <NotificationBell />
          <Dropdown menu={accountMenu} trigger={['click']} placement="bottomRight">
            <Button type="text" aria-label={t('shell.profile')} icon={<UserOutlined />} className="app-account">
              {wide && <Typography.Text ellipsis style={{ maxWidth: 160, color: 'inherit' }}>{me?.displayName}</Typography.Text>}
            </Button>
          </Dropdown>
        </Space>
      </Layout.Header>
      <Layout>
        {wide ? (
          <Layout.Sider width={220} theme="light" className="app-sider">
            {menu}
          </Layout.Sider>
        ) : (
          <Drawer
            placement="left"
            open={drawerOpen}
            onClose={() => setDrawerOpen(false)}
            width={260}
            title={t('app.name')}
            styles={{ body: { padding: 0 } }}
          >
            {menu}
          </Drawer>
        )}
        <Layout.Content className="app-content">
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
