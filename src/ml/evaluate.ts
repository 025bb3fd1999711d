/**
 * Classification metrics of the spam model, spam being the positive class.
 * Conventions for empty denominators: precision = 0 when nothing is predicted
 * spam, recall = 0 when there is no spam, f1 = 0 when precision + recall = 0,
 * accuracy = 0 on an empty set.
 */
import { type LabeledEmail, type NaiveBayesModel, predict } from "./naive-bayes.js";

/** Confusion matrix counts (positive = spam). */
export interface Confusion {
  /** Spam predicted spam. */
  readonly tp: number;
  /** Ham predicted spam. */
  readonly fp: number;
  /** Ham predicted ham. */
  readonly tn: number;
  /** Spam predicted ham. */
  readonly fn: number;
}

/** Metrics returned by {@link evaluate}. */
export interface Metrics {
  readonly accuracy: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly confusion: Confusion;
}

/** Metrics of a confusion matrix (see the module doc for empty denominators). */
export function metricsOf(confusion: Confusion): Metrics {
  const { tp, fp, tn, fn } = confusion;
  const total = tp + fp + tn + fn;
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  return {
    accuracy: total === 0 ? 0 : (tp + tn) / total,
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    confusion: { tp, fp, tn, fn },
  };
}

/** Predicts every sample and compares with its label. */
export function evaluate(model: NaiveBayesModel, samples: Iterable<LabeledEmail>): Metrics {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (const sample of samples) {
    const predictedSpam = predict(model, sample.bytes).label === "spam";
    if (sample.label === "spam") predictedSpam ? tp++ : fn++;
    else predictedSpam ? fp++ : tn++;
  }
  return metricsOf({ tp, fp, tn, fn });
}
