{
 "StartAt": "A",
 "States": {
  "A": {
   "End": true
  }
 }
}