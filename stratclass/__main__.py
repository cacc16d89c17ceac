from stratclass.cli import main

main()
