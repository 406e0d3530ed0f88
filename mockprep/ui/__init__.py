"""The practice room in the browser: one module per tab (practice, review, progress, drill, mock, recovery),
the recorder's routes (live), the shared state (room) and the web app that serves them (app)."""
