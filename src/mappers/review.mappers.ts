import type { ReviewDto } from '../backends/reviews/client.js';

export type ReviewMapper = ReviewDto;
