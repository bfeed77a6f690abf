from services.events.bootstrap import main

main()
