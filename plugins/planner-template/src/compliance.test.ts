import { testPlanner } from '@chorale/testing/planner';
import { templatePlanner } from './index.js';

testPlanner(() => templatePlanner());
