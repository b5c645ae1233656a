/** The console's one stylesheet: readable, high contrast, focus visible. */
export const CONSOLE_CSS = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff}
header{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;justify-content:space-between;padding:.5rem 1rem;background:#0b3d62;color:#fff}
header a{color:#fff}header nav ul{display:inline-flex;gap:1rem;list-style:none;margin:0;padding:0}
header nav{display:flex;gap:1.5rem;align-items:center}header nav form{display:inline}
.brand{margin:0;font-weight:bold}main{padding:1rem;max-width:72rem}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #999;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#eef2f5}form{margin:.5rem 0}form.inline{display:inline;margin:0}
label{display:inline-block;margin-right:.5rem}input,select,textarea,button{font:inherit}
button{cursor:pointer}:focus-visible{outline:3px solid #e07b00;outline-offset:2px}
.notice{background:#e6f4ea;border-left:4px solid #1e7e34;padding:.5rem}
.error{background:#fdecea;border-left:4px solid #b00020;padding:.5rem}
.secret{font-family:monospace;background:#fff8e1;padding:.5rem;word-break:break-all}
pre.json{background:#f6f8fa;padding:.5rem;overflow:auto;max-height:30rem}
code{word-break:break-all}fieldset{margin:.5rem 0}
`;

/** The only script: copy buttons (data-copy names the element whose text they copy), the result announced in #console-status. */
export const CONSOLE_JS = `
document.addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-copy]');
  if (!button) return;
  const text = document.getElementById(button.dataset.copy).textContent;
  const status = document.getElementById('console-status');
  try { await navigator.clipboard.writeText(text); status.textContent = 'Copied to the clipboard.'; }
  catch { status.textContent = 'Copying failed: select the text and copy it.'; }
});
`;
