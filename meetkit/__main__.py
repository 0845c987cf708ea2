from meetkit.cli.main import main

raise SystemExit(main())
