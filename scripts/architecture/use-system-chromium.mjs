// Preloaded (node --import) into `likec4 export png` by scripts/render-architecture.sh.
// LikeC4 launches Playwright's own Chromium build, which is never downloaded here: point it at
// the system's Chromium (Debian's `chromium` package) instead. Screenshots are taken at 1x so
// that the committed PNGs stay small.
import { chromium } from 'playwright';

const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const launch = chromium.launch.bind(chromium);

chromium.executablePath = () => executablePath;
chromium.launch = async (options = {}) => {
  const browser = await launch({ ...options, executablePath });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = (contextOptions = {}) => newContext({ ...contextOptions, deviceScaleFactor: 1 });
  return browser;
};
