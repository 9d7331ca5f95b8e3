{
 "StartAt": "A",
 "States": []
}