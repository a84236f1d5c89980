from closient_app.cli import main

main()
