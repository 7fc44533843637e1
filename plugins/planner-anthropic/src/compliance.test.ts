import { startFakeAnthropic } from '@chorale/testing/fake-anthropic';
import { testPlanner } from '@chorale/testing/planner';
import { afterAll } from 'vitest';
import { anthropicPlanner } from './index.js';

const server = await startFakeAnthropic();
afterAll(() => server.close());

testPlanner(() => anthropicPlanner({ apiKey: 'sk-ant-test', baseURL: server.url }));
