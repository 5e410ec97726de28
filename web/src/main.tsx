import { render } from 'preact';
import { setApiLanguage } from './api';
import { App } from './App';
import { initialLanguage, setLanguage } from './i18n';
import './styles.css';

const language = initialLanguage();
setLanguage(language, false);
setApiLanguage(language);

const root = document.getElementById('app');
if (root) render(<App />, root);
