from services.notifications.bootstrap import main

main()
