from mockprep.cli import main

raise SystemExit(main())
