/** Stylesheets are bundled by esbuild (scripts/build-webapp.mjs) into app.css. */
declare module '*.css';
