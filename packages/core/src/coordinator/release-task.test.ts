import type { TaskContext } from '@chorale/protocol';
import { describe, expect, it } from 'vitest';
import type { Detector } from '../contracts/rules.js';
import { MemoryBus } from '../memory/memory-transport.js';
import { MetaCoordinator } from './meta-coordinator.js';

function coordinator(detector: Detector): MetaCoordinator {
  return new MetaCoordinator({
    transport: new MemoryBus().connect('peer'),
    detector,
    planners: [],
  });
}

describe('MetaCoordinator.releaseTask', () => {
  it("asks the detector to forget the task and returns the detector's answer", () => {
    const released: Pick<TaskContext, 'projectId' | 'taskId'>[] = [];
    const detector: Detector = {
      register: () => [],
      knownTasks: () => [],
      release: (task) => {
        released.push(task);
        return task.taskId === 7;
      },
    };
    const c = coordinator(detector);
    expect(c.releaseTask({ projectId: 1, taskId: 7 })).toBe(true);
    expect(c.releaseTask({ projectId: 1, taskId: 8 })).toBe(false);
    expect(released).toEqual([
      { projectId: 1, taskId: 7 },
      { projectId: 1, taskId: 8 },
    ]);
  });

  it('returns false when the detector cannot forget tasks', () => {
    const c = coordinator({ register: () => [], knownTasks: () => [] });
    expect(c.releaseTask({ projectId: 1, taskId: 7 })).toBe(false);
  });
});
