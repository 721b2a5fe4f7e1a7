// Trainer screens of the library (upload, tool evaluation) and the directory's upkeep (lazy chunk, see chunks.tsx).
import type { TrainerRoute } from '../chunks';
import { EvaluationOverview, EvaluationScreen } from './Evaluation';
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
  }
}
