// The launcher lives in devstack (the search benchmark starts the dashboard too).
export { startDashboard, type DashboardServer } from '@logstream/devstack';
