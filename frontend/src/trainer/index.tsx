// Trainer screens: the library (upload, tool evaluation), the directory's upkeep, cohorts and the field-sessions report (lazy chunk, see chunks.tsx).
import type { TrainerRoute } from '../chunks';
import { CohortsScreen } from './cohorts/Cohorts';
import { CohortDashboard } from './cohorts/Dashboard';
import { EvaluationOverview, EvaluationScreen } from './Evaluation';
import { FieldReportScreen } from './field-report/FieldReport';
import { UploadScreen } from './Upload';

export { DirectoryTools, ServiceActions } from './Directory';

export function TrainerScreen({ route }: { route: TrainerRoute }) {
  switch (route.screen) {
    case 'upload':
      return <UploadScreen />;
    case 'evaluation':
      return <EvaluationScreen key={route.id} id={route.id} />;
    case 'overview':
      return <EvaluationOverview />;
    case 'cohorts':
      return <CohortsScreen />;
    case 'cohort':
      return <CohortDashboard key={route.id} id={route.id} />;
    case 'field-report':
      return <FieldReportScreen />;
  }
}
