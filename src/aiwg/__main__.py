from aiwg.launch import main

main()
