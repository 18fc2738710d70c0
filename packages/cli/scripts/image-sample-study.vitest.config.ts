// Runs scripts/image-sample-study.ts alone (a measurement, not a test: it is not in `pnpm test`).
import shared from '../../../vitest.shared';

export default { ...shared, test: { ...shared.test, include: ['scripts/image-sample-study.ts'], testTimeout: 7_200_000 } };
