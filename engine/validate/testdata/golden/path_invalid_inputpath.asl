{
 "StartAt": "A",
 "States": {
  "A": {
   "Type": "Pass",
   "InputPath": "a.b",
   "End": true
  }
 }
}