/** A text's facts kept for the last texts asked. */
import type { TaskText } from '@chorale/core';

/**
 * `compute` kept for the last three texts asked (a TaskText does not change): what a rule finds
 * in one text (which kinds of work it names) is asked for both tasks of a pair, and the new task
 * is one side of every pair of a registration. Two would not do: after a pair that asked its
 * candidate last, the next candidate would push the new task out. The value must not be changed
 * by the caller.
 */
export function perText<T>(compute: (text: TaskText) => T): (text: TaskText) => T {
  let first: TaskText | undefined;
  let firstValue: T | undefined;
  let second: TaskText | undefined;
  let secondValue: T | undefined;
  let third: TaskText | undefined;
  let thirdValue: T | undefined;
  return (text) => {
    if (text === first) return firstValue as T;
    let value: T;
    if (text === second) value = secondValue as T;
    else if (text === third) {
      value = thirdValue as T;
      third = second;
      thirdValue = secondValue;
    } else {
      value = compute(text);
      third = second;
      thirdValue = secondValue;
    }
    second = first;
    secondValue = firstValue;
    first = text;
    firstValue = value;
    return value;
  };
}
