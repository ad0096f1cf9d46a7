import htm from 'htm';
import { h } from 'preact';

/** Tagged templates that build preact elements, so the app needs no JSX step. */
export const html = htm.bind(h);
