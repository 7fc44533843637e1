import { startFakeOllama } from '@chorale/testing/fake-ollama';
import { testPlanner } from '@chorale/testing/planner';
import { afterAll } from 'vitest';
import { ollamaPlanner } from './index.js';

const server = await startFakeOllama();
afterAll(() => server.close());

testPlanner(() => ollamaPlanner({ host: server.url }));
