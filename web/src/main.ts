/** The dashboard: routes to views; every view reads the service's GraphQL API (and REST for boot logs). */
import './styles.css';
import { html, render } from 'lit-html';
import { Router } from './router';
import { bindTokenForm } from './token';
import { cellView } from './views/cell';
import { compareView } from './views/compare';
import { diffView } from './views/diff';
import { runView } from './views/run';
import { runsView } from './views/runs';

const outlet = document.getElementById('main')!;
const router = new Router(outlet, (host) => void render(html`<h1>Not found</h1><p>No view at ${location.pathname}. <a href="/">All runs</a></p>`, host));
router
  .on('/', runsView)
  .on('/runs/:id', runView(router))
  .on('/runs/:id/diff', diffView)
  .on('/runs/:id/cells/:position', cellView)
  .on('/compare', compareView(router));
bindTokenForm(() => void router.render());
router.start();
