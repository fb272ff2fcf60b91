// The dashboard: the login page, or the masthead (project switcher, language, logout) with the
// navigation the catalog and the user's roles allow, and the panels.
import { useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Navigate, NavLink, Route, Routes, useLocation, useParams, useSearchParams } from 'react-router-dom';
import {
  Button, FormSelect, FormSelectOption, Masthead, MastheadBrand, MastheadContent, MastheadMain, Nav, NavExpandable, NavItem, NavList,
  Page, PageSidebar, PageSidebarBody, Toolbar, ToolbarContent, ToolbarItem,
} from '@patternfly/react-core';
import { loadSession, logout, myProjects, saveSession, scopeTo, type Session } from './api/session';
import { useI18n, type Lang } from './i18n';
import { Login } from './pages/login';
import { Overview } from './pages/overview';
import { ApiAccess } from './pages/api-access';
import { Topology } from './pages/topology';
import { ResourcePage } from './components/resource-page';
import { PANELS } from './pages/panels';
import { objectsPanel } from './pages/storage';
import type { ResourceSpec } from './components/resource';

const hasService = (s: Session, type: string) => s.catalog.some((c) => c.type === type);
const isAdmin = (s: Session) => s.roles.includes('admin');

function Objects({ session }: { session: Session }) {
  const { name = '' } = useParams();
  const prefix = useSearchParams()[0].get('prefix') ?? '';
  return <ResourcePage key={`${name}/${prefix}`} spec={objectsPanel(decodeURIComponent(name), prefix)} session={session} />;
}

function Shell({ session, setSession }: { session: Session; setSession(s: Session | undefined): void }) {
  const { t, lang, setLang } = useI18n();
  const qc = useQueryClient();
  const location = useLocation();
  const projects = useQuery({ queryKey: ['my-projects', session.unscoped], queryFn: () => myProjects(session.unscoped) });
  const [switching, setSwitching] = useState(false);
  const visible = (p: ResourceSpec<any>) => hasService(session, p.service) && (!p.admin || isAdmin(session));
  const switchProject = async (id: string) => {
    setSwitching(true);
    try {
      const s = await scopeTo(session.unscoped, id);
      localStorage.setItem('stratus.lastProject', id);
      saveSession(s);
      qc.clear();
      setSession(s);
    } finally { setSwitching(false); }
  };
  const section = (title: string, panels: ResourceSpec<any>[], extra: ReactNode = null) => {
    const shown = panels.filter(visible);
    if (shown.length === 0 && !extra) return null;
    return (
      <NavExpandable title={title} isExpanded>
        {extra}
        {shown.map((p) => <NavItem key={p.id} isActive={location.pathname.startsWith(`/${p.id}`)}><NavLink to={`/${p.id}`}>{t(p.title)}</NavLink></NavItem>)}
      </NavExpandable>
    );
  };
  const masthead = (
    <Masthead>
      <MastheadMain><MastheadBrand><span className="brand">Stratus</span></MastheadBrand></MastheadMain>
      <MastheadContent>
        <Toolbar isFullHeight><ToolbarContent>
          <ToolbarItem>
            <FormSelect id="project-switcher" aria-label={t('common.project')} value={session.project.id} isDisabled={switching} onChange={(_e, v) => void switchProject(v)}>
              {(projects.data ?? [session.project]).map((p) => <FormSelectOption key={p.id} value={p.id} label={p.name} />)}
            </FormSelect>
          </ToolbarItem>
          <ToolbarItem>
            <FormSelect id="lang-switcher" aria-label={t('common.language')} value={lang} onChange={(_e, v) => setLang(v as Lang)}>
              <FormSelectOption value="en" label="English" /><FormSelectOption value="ko" label="한국어" />
            </FormSelect>
          </ToolbarItem>
          <ToolbarItem><span className="user">{session.user.name}</span></ToolbarItem>
          <ToolbarItem><Button variant="secondary" onClick={async () => { await logout(session); qc.clear(); setSession(undefined); }}>{t('common.logout')}</Button></ToolbarItem>
        </ToolbarContent></Toolbar>
      </MastheadContent>
    </Masthead>
  );
  const sidebar = (
    <PageSidebar><PageSidebarBody>
      <Nav aria-label={t('common.navigation')}>
        <NavList>
          {section(t('nav.project'), PANELS.project, <>
            <NavItem isActive={location.pathname === '/project/overview'}><NavLink to="/project/overview">{t('nav.overview')}</NavLink></NavItem>
            <NavItem isActive={location.pathname === '/project/api-access'}><NavLink to="/project/api-access">{t('nav.apiAccess')}</NavLink></NavItem>
            {hasService(session, 'network') && <NavItem isActive={location.pathname === '/project/topology'}><NavLink to="/project/topology">{t('nav.topology')}</NavLink></NavItem>}
          </>)}
          {isAdmin(session) && section(t('nav.admin'), PANELS.admin)}
          {section(t('nav.identity'), PANELS.identity)}
        </NavList>
      </Nav>
    </PageSidebarBody></PageSidebar>
  );
  const all = [...PANELS.project, ...PANELS.admin, ...PANELS.identity].filter(visible);
  return (
    <Page masthead={masthead} sidebar={sidebar} isManagedSidebar>
      <Routes>
        <Route path="/project/overview" element={<Overview session={session} />} />
        <Route path="/project/api-access" element={<ApiAccess session={session} />} />
        <Route path="/project/topology" element={<Topology session={session} />} />
        <Route path="/project/containers/:name" element={<Objects session={session} />} />
        {all.map((p) => <Route key={p.id} path={`/${p.id}`} element={<ResourcePage key={p.id} spec={p} session={session} />} />)}
        <Route path="*" element={<Navigate to="/project/overview" replace />} />
      </Routes>
    </Page>
  );
}

export function App() {
  const [session, setSession] = useState<Session | undefined>(loadSession);
  if (!session) return <Login onLogin={(s) => { saveSession(s); setSession(s); }} />;
  return <Shell session={session} setSession={setSession} />;
}
